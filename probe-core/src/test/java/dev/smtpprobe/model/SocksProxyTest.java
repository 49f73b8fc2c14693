package dev.smtpprobe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SocksProxyTest {

    @Test
    void parsesTheForms() {
        SocksProxy p = SocksProxy.parse("socks5://127.0.0.1:1080", Optional.empty());
        assertThat(p.unresolved()).isFalse();
        assertThat(p.hostPort()).isEqualTo("127.0.0.1:1080");
        assertThat(p.credential()).isEmpty();
        SocksProxy v6 = SocksProxy.parse("SOCKS5://probe@[::1]:1080/", Optional.of("pw"));
        assertThat(v6.display()).isEqualTo("socks5://[::1]:1080");
        assertThat(v6.credential().get().username()).isEqualTo("probe");
        SocksProxy named = SocksProxy.parse("socks5://proxy.example:1080", Optional.empty());
        assertThat(named.unresolved()).isTrue();
        assertThat(named.hostPort()).isEqualTo("proxy.example:1080");
    }

    @Test
    void neverPrintsTheSecret() {
        SocksProxy p = SocksProxy.parse("socks5://probe@127.0.0.1:1080", Optional.of("s3cret"));
        assertThat(p.toString() + p.display() + p.hostPort()).doesNotContain("s3cret").doesNotContain("probe");
    }

    @Test
    void refusesBadForms() {
        assertRefused("http://127.0.0.1:8080", "only socks5://");
        assertRefused("socks4://127.0.0.1:1080", "only socks5://");
        assertRefused("socks5h://127.0.0.1:1080", "resolves names itself");
        assertRefused("127.0.0.1:1080", "socks5://[user@]host:port");
        assertRefused("socks5://127.0.0.1", "needs a port");
        assertRefused("socks5://127.0.0.1:0", "1 to 65535");
        assertRefused("socks5://127.0.0.1:99999", "1 to 65535");
        assertRefused("socks5://127.0.0.1:10x", "1 to 65535");
        assertRefused("socks5://127.0.0.1:1080\r\nX", "line break");
        assertRefused("socks5://::1:1080", "brackets");
        assertRefused("socks5://:1080", "no host");
        assertRefused("socks5://bad_host!:1080", "neither an IP address nor a host name");
        assertRefused("socks5://127.0.0.1:1080/path", "no path");
        assertThatThrownBy(() -> SocksProxy.parse("socks5://user:hunter2@127.0.0.1:1080", Optional.empty()))
                .hasMessageContaining("must not carry a password").hasMessageNotContaining("hunter2");
    }

    @Test
    void userAndPasswordComeTogether() {
        assertThatThrownBy(() -> SocksProxy.parse("socks5://probe@127.0.0.1:1080", Optional.empty()))
                .hasMessageContaining("needs a password");
        assertThatThrownBy(() -> SocksProxy.parse("socks5://127.0.0.1:1080", Optional.of("pw")))
                .hasMessageContaining("names no user");
        assertThatThrownBy(() -> SocksProxy.parse("socks5://probe@127.0.0.1:1080", Optional.of("x".repeat(256))))
                .hasMessageContaining("1 to 255 octets");
    }

    @Test
    void proxyAndProxyHeaderExcludeEachOther() {
        assertThatThrownBy(() -> SessionOptions.builder()
                .proxy(SocksProxy.parse("socks5://127.0.0.1:1080", Optional.empty()))
                .proxyProtocol(ProxyProtocol.V1).build())
                .hasMessageContaining("cannot be sent through a SOCKS proxy");
    }

    private static void assertRefused(String uri, String words) {
        assertThatThrownBy(() -> SocksProxy.parse(uri, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(words);
    }
}
