package dev.smtpprobe.catalog;

/** Who must act on a finding. */
public enum Actor {
    SENDER("sender"),
    SENDING_ADMIN("sending-admin"),
    RECEIVING_ADMIN("receiving-admin"),
    NETWORK("network"),
    NOBODY("nobody");

    private final String id;

    Actor(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
