package dev.smtpprobe.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smtp-probe serve CONFIG}: probes on schedule, Prometheus endpoints, the last reports. */
@Command(name = "serve",
        usageHelpWidth = 110,
        mixinStandardHelpOptions = true,
        description = {"Run the configured probes on their schedules and serve /metrics, /probe, /healthz,",
                "a status page at / and each target's last report at /report/TARGET."},
        footer = {"", "Examples:",
                "  smtp-probe serve --check-config probes.yaml",
                "  smtp-probe serve probes.yaml --listen 127.0.0.1:9465",
                "", "Exit codes: 0 for a good --check-config, 3 for a bad config; on SIGTERM serve shuts down cleanly and the",
                "JVM exits with 143 (128 + 15), which the sample systemd unit counts as success."})
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The YAML config: modules and targets.")
    Path config;

    @Option(names = "--listen", paramLabel = "ADDR:PORT",
            description = "Where HTTP listens (default: the config's listen, else 127.0.0.1:9465).")
    String listen;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Keep each target's last run in DIR and report drift (overrides the config's state_dir).")
    Path stateDir;

    @Option(names = "--check-config", description = "Check the config, print a summary and exit.")
    boolean checkConfig;

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = ServeConfig.load(config);
        if (stateDir != null) {
            cfg = cfg.withStateDir(stateDir);
        }
        if (cfg.stateDir().isPresent() && java.nio.file.Files.exists(cfg.stateDir().get())
                && !java.nio.file.Files.isDirectory(cfg.stateDir().get())) {
            throw new IllegalArgumentException("state directory " + cfg.stateDir().get() + " is not a directory");
        }
        InetSocketAddress address = listen != null ? parseListen(listen)
                : cfg.listen().orElse(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9465));
        var out = spec.commandLine().getOut();
        if (checkConfig) {
            out.println("smtp-probe: " + config + " is valid: " + cfg.targets().size() + " target(s), "
                    + cfg.modules().size() + " module(s)");
            out.flush();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ServeServer server;
        try {
            server = new ServeServer(cfg, address, Clock.systemUTC());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot listen on " + address + ": " + e.getMessage());
        }
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "smtp-probe-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        server.start();
        out.println("smtp-probe: serving " + cfg.targets().size() + " target(s) on http://"
                + server.address().getHostString() + ":" + server.address().getPort() + "/");
        out.flush();
        stopped.await();
        return 0;
    }

    /** HOST:PORT or [IPv6]:PORT, an IP literal (no DNS): where to listen. */
    static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--listen wants ADDRESS:PORT, such as 127.0.0.1:9465");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': the port is out of range");
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException("'" + text + "': listen on an IP address, such as 127.0.0.1");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "': not an IP address");
        }
    }
}
