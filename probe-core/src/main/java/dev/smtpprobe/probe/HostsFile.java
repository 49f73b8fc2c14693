package dev.smtpprobe.probe;

import dev.smtpprobe.model.AddressFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;

/** Looks a server name up in the system's hosts file (blocking file I/O: call it off the event loop). */
final class HostsFile {
    private HostsFile() {
    }

    static List<InetAddress> lookup(String host, AddressFamily family) {
        List<InetAddress> out = new ArrayList<>();
        try {
            HostsFileParser parser = new HostsFileParser();
            Name name = Name.fromString(host.endsWith(".") ? host : host + ".");
            if (family != AddressFamily.IPV6) {
                add(out, parser.getAddressForHost(name, Type.A));
            }
            if (family != AddressFamily.IPV4) {
                add(out, parser.getAddressForHost(name, Type.AAAA));
            }
        } catch (IOException | RuntimeException e) {
            // no readable hosts file: DNS decides
        }
        return List.copyOf(out);
    }

    private static void add(List<InetAddress> out, Optional<InetAddress> address) {
        address.ifPresent(out::add);
    }
}
