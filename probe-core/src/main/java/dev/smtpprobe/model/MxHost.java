package dev.smtpprobe.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * One mail exchanger with its addresses, in the order they will be tried.
 *
 * @param preference the MX preference (lower first); 0 for an implicit MX
 * @param name the exchanger's host name, absolute, without the trailing dot
 * @param addresses A and AAAA addresses, filtered by the requested family
 * @param addressFailure why no address was found, when none was
 * @param problems things wrong with this MX record itself, in words (target is a CNAME, an IP literal...)
 */
public record MxHost(
        int preference, String name, List<InetAddress> addresses, Optional<DnsFailure> addressFailure,
        List<String> problems) {
    public MxHost {
        addresses = List.copyOf(addresses);
        problems = List.copyOf(problems);
    }
}
