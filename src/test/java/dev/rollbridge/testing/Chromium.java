package dev.rollbridge.testing;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Debian's headless Chromium driven by its chromedriver (no downloads), with a fresh profile under target/. */
public final class Chromium {
    private Chromium() {
    }

    /** @param extra more command-line switches, e.g. {@code --host-resolver-rules=MAP evil.test 127.0.0.1} */
    public static WebDriver start(String... extra) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        List<String> args = new ArrayList<>(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1400",
                "--user-data-dir=" + Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-")));
        args.addAll(List.of(extra));
        options.addArguments(args);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
