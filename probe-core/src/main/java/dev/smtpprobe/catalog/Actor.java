package dev.smtpprobe.catalog;

/** Who must act on a finding. */
public enum Actor {
    SENDER("sender"),
    SENDING_ADMIN("sending-admin"),
    RECEIVING_ADMIN("receiving-admin"),
    /** Whoever runs the reverse DNS zone of the sending IP: the ISP or hosting provider, on the sending admin's request. */
    IP_PROVIDER("ip-provider"),
    NETWORK("network"),
    /** Whoever runs the probe: its resolver, trust anchors or arguments are at fault, not any mail server. */
    LOCAL_ADMIN("local-admin"),
    NOBODY("nobody");

    private final String id;

    Actor(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
