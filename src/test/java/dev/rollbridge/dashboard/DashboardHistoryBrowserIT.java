package dev.rollbridge.dashboard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rollbridge.analysis.Thresholds;
import dev.rollbridge.json.Json;
import dev.rollbridge.session.HistoryStore;
import dev.rollbridge.session.HistorySummary;
import dev.rollbridge.session.SessionRecord;
import dev.rollbridge.testing.Chromium;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The history view in a real headless Chromium (issue 19, item 5): a bridge's history summary of
 * eight weeks, two legs and pain that gets worse, through a real Mosquitto, drawn as charts (minutes
 * per day, sessions per week against the guide's band and daily line, pain with the
 * seek-professional threshold); the empty states; and a summary made to attack the page.
 */
class DashboardHistoryBrowserIT extends WithFakeBridge {
    private static final String BASE = "hist";
    private static final String DEVICE = "rollsense_c0ffee000001";
    private static final String HISTORY = BASE + "/" + DEVICE + "/history";

    /** Friday 2026-11-27: the eight weeks begin on Monday 2026-10-05. */
    private static final Instant NOW = Instant.parse("2026-11-27T18:00:00Z");
    private static final LocalDate FIRST_MONDAY = LocalDate.parse("2026-10-05");
    /** Sessions per week, oldest first: left on Monday, Wednesday, Friday; right on Tuesday, Thursday, Saturday. */
    private static final int[] LEFT = {1, 2, 3, 2, 0, 3, 2, 3};
    private static final int[] RIGHT = {0, 1, 2, 3, 1, 2, 3, 2};

    @TempDir
    Path dataDir;

    DashboardHistoryBrowserIT() {
        super(BASE, DEVICE, "/history", "/availability");
    }

    /** What the daemon publishes for the synthetic history: the real summary, from a real store. */
    private String eightWeeks() {
        try (HistoryStore store = HistoryStore.open(dataDir)) {
            for (int w = 0; w < 8; w++) {
                LocalDate monday = FIRST_MONDAY.plusWeeks(w);
                for (int i = 0; i < LEFT[w]; i++) {
                    String alerts = w == 5 && i == 1 ? "{\"pressure_too_high\":2,\"hold_target_reached\":1}" : "{}";
                    store.recordSession(session("left", monday.plusDays(2L * i), 4 + (w + i) % 5, 3, i == 0 ? 3 : 2, alerts));
                }
                for (int i = 0; i < RIGHT[w]; i++) {
                    String alerts = w == 6 && i == 1 ? "{\"stop_and_seek_care\":1}" : "{}";
                    store.recordSession(session("right", monday.plusDays(2L * i + 1), 5 + (w + 2 * i) % 6, 2, 1, alerts));
                }
            }
            // Pain: two older reports, then 4, 5, 5 and 6 in the last 14 days: worse, so a professional is advised.
            for (String[] p : new String[][]{{"2026-10-20", "3"}, {"2026-10-27", "4"}, {"2026-11-16", "4"}, {"2026-11-19", "5"},
                    {"2026-11-23", "5"}, {"2026-11-26", "6"}}) {
                store.recordPain(DEVICE, Instant.parse(p[0] + "T19:00:00Z"), Integer.parseInt(p[1]));
            }
            return new String(HistorySummary.payload(store, DEVICE, NOW, ZoneOffset.UTC, new Thresholds.Sessions(300_000, 300_000, 600_000)),
                    StandardCharsets.UTF_8);
        }
    }

    private static SessionRecord session(String leg, LocalDate day, double activeMin, int holds, int met, String alerts) {
        return new SessionRecord(DEVICE, leg + day, leg, day.atTime(8, 0).toInstant(ZoneOffset.UTC), "idle", activeMin * 60 + 90, activeMin * 60,
                holds, met, 95, 180, 2, 20, -1, alerts);
    }

    private WebElement openHistory(DashboardServer server) throws Exception {
        page = Chromium.start();
        page.get(server.url());
        WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
        By card = By.cssSelector("section.device[data-device='" + DEVICE + "']");
        wait.until(d -> !d.findElements(card).isEmpty());
        WebElement el = page.findElement(card);
        // By keyboard: the Live tab has the focus, the right arrow moves to History and shows it.
        WebElement live = el.findElement(By.cssSelector(".tab-live"));
        ((JavascriptExecutor) page).executeScript("arguments[0].focus()", live);
        live.sendKeys(Keys.ARROW_RIGHT);
        WebElement history = el.findElement(By.cssSelector(".tab-history"));
        wait.until(d -> "true".equals(history.getAttribute("aria-selected")));
        assertThat(((JavascriptExecutor) page).executeScript("return document.activeElement === arguments[0]", history)).isEqualTo(true);
        assertThat(el.findElement(By.cssSelector(".history-view")).isDisplayed()).isTrue();
        assertThat(el.findElement(By.cssSelector(".live-view")).isDisplayed()).isFalse();
        assertThat(history.getAttribute("aria-controls")).isEqualTo(el.findElement(By.cssSelector(".history-view")).getAttribute("id"));
        return el;
    }

    @Test
    void theHistoryViewDrawsMinutesSessionsPerWeekAndPainWithTheAdvice() throws Exception {
        retain(BASE + "/" + DEVICE + "/availability", "{\"state\":\"online\"}");
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            WebElement el = openHistory(server);
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            // Before the bridge sends a history: what to expect, not an empty frame.
            assertThat(el.findElement(By.cssSelector(".history-empty")).getText()).startsWith("No history from the bridge yet");
            retain(HISTORY, eightWeeks());
            wait.until(d -> el.findElement(By.cssSelector(".history-body")).isDisplayed());

            // (a) Minutes per day: one bar per day and leg, an alert dot over the two days with alerts, the 5-10 min band.
            WebElement minutes = el.findElement(By.cssSelector(".history-minutes"));
            int sessions = sum(LEFT) + sum(RIGHT);
            assertThat(minutes.findElements(By.cssSelector("rect.day-bar"))).hasSize(sessions);
            assertThat(minutes.findElements(By.cssSelector("rect.day-bar.leg-left"))).hasSize(sum(LEFT));
            List<WebElement> dots = minutes.findElements(By.cssSelector("circle.alert-dot"));
            assertThat(dots).hasSize(2);
            assertThat(minutes.findElements(By.cssSelector("circle.alert-dot.mark-danger"))).hasSize(1);
            assertThat(dots).extracting(d -> d.findElement(By.tagName("title")).getAttribute("textContent"))
                    .anySatisfy(t -> assertThat(t).endsWith("left: 2 warnings")).anySatisfy(t -> assertThat(t).endsWith("right: 1 danger"));
            assertThat(minutes.findElements(By.cssSelector("rect.band:not(.swatch)"))).hasSize(1);
            List<String> axis = minutes.findElements(By.cssSelector("text.axis")).stream().map(WebElement::getText).toList();
            assertThat(axis).as("%s", axis).contains("min", "0").hasSizeGreaterThanOrEqualTo(8 + 4);
            // The last Friday's left session: 4 + (7 + 2) % 5 = 8 minutes, its holds in the tooltip.
            WebElement friday = minutes.findElements(By.cssSelector("rect.day-bar.leg-left")).get(sum(LEFT) - 1);
            assertThat(friday.getAttribute("data-minutes")).isEqualTo("8.0");
            assertThat(friday.findElement(By.tagName("title")).getAttribute("textContent"))
                    .contains("left: 8.0 min in contact (9.5 in all), 1 session, holds 2 of 3 met 30 s");
            WebElement leftRow = el.findElement(By.cssSelector(".history-legs tr[data-leg='left']"));
            int leftMet = 0;
            for (int w = 0; w < 8; w++) {
                leftMet += LEFT[w] == 0 ? 0 : 3 + 2 * (LEFT[w] - 1);
            }
            assertThat(leftRow.getText()).startsWith("left " + sum(LEFT) + " ").contains(leftMet + " of " + 3 * sum(LEFT)).endsWith(" 2 0");

            // (b) Sessions per week: eight weeks of two bars with their counts, the 2-3 band and the daily line.
            WebElement weeks = el.findElement(By.cssSelector(".history-weeks"));
            List<WebElement> bars = weeks.findElements(By.cssSelector("rect.week-bar"));
            assertThat(bars).hasSize(16);
            assertThat(weeks.findElements(By.cssSelector("rect.week-bar.leg-left"))).extracting(b -> Integer.parseInt(b.getAttribute("data-count")))
                    .containsExactly(boxed(LEFT));
            assertThat(weeks.findElements(By.cssSelector("rect.week-bar.leg-right"))).extracting(b -> Integer.parseInt(b.getAttribute("data-count")))
                    .containsExactly(boxed(RIGHT));
            assertThat(weeks.findElements(By.cssSelector("text.bar-value"))).extracting(WebElement::getText).hasSize(16).contains("3", "0");
            assertThat(weeks.findElements(By.cssSelector("rect.band.maintenance:not(.swatch)"))).hasSize(1);
            WebElement daily = weeks.findElement(By.cssSelector("line.daily:not(.swatch)"));
            WebElement band = weeks.findElement(By.cssSelector("rect.band.maintenance:not(.swatch)"));
            // The daily line sits above the band (7 a week against 2-3); a bar of 3 reaches the band's top.
            assertThat(Double.parseDouble(daily.getAttribute("y1"))).isLessThan(Double.parseDouble(band.getAttribute("y")));
            WebElement three = weeks.findElements(By.cssSelector("rect.week-bar.leg-left")).get(2);
            assertThat(Double.parseDouble(three.getAttribute("y"))).isCloseTo(Double.parseDouble(band.getAttribute("y")), offset(0.2));
            assertThat(weeks.findElements(By.cssSelector("text.axis"))).extracting(WebElement::getText)
                    .contains("2–3 a week: maintenance", "daily: persistent stiffness", "sessions");
            assertThat(minutes.findElements(By.cssSelector("text.axis"))).extracting(WebElement::getText).contains("5–10 min a leg (the guide)");
            assertThat(el.findElement(By.cssSelector(".history-frequency")).getText()).startsWith("Last 7 days: left 3, right 3 session(s).");

            // (c) Pain: a point per day with reports, the 14-day window and the first day's level as the threshold, the advice due.
            WebElement pain = el.findElement(By.cssSelector(".history-pain"));
            assertThat(pain.findElements(By.cssSelector("circle.pain-point"))).extracting(p -> p.getAttribute("data-mean"))
                    .containsExactly("3.0", "4.0", "4.0", "5.0", "5.0", "6.0");
            assertThat(pain.findElements(By.cssSelector("rect.pain-window.due"))).hasSize(1);
            WebElement threshold = pain.findElement(By.cssSelector("line.threshold.due"));
            // The threshold is the first day's 4/10: on the y axis from 0 to 10, 40 % of the way up.
            double y = Double.parseDouble(threshold.getAttribute("y1"));
            assertThat(y).isCloseTo(176 - 154 * 0.4, offset(0.2));
            assertThat(pain.findElements(By.cssSelector("text.axis"))).extracting(WebElement::getText)
                    .contains("first day 4.0/10: pain should fall below", "last 14 days · seek a professional", "pain /10");
            WebElement advice = el.findElement(By.cssSelector(".history-advice"));
            assertThat(advice.getText()).startsWith("Seek a professional: pain is worse over 4 days of self-care (4.0/10 on ")
                    .contains("6.0/10 on the last");
            assertThat(advice.getAttribute("class")).contains("due");
            assertThat(advice.getAttribute("role")).isEqualTo("alert");

            // The docs' screenshot: the history view of a card.
            ((JavascriptExecutor) page).executeScript("arguments[0].scrollIntoView()", el);
            Path shot = Path.of("target", "dashboard-history.png");
            Files.copy(((TakesScreenshot) page).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(shot)).as("screenshot for the docs: %s", shot).isGreaterThan(10_000);

            // Back to Live with the left arrow: the live card again.
            el.findElement(By.cssSelector(".tab-history")).sendKeys(Keys.ARROW_LEFT);
            wait.until(d -> el.findElement(By.cssSelector(".live-view")).isDisplayed());
            assertThat(el.findElement(By.cssSelector(".history-view")).isDisplayed()).isFalse();
        }
    }

    @Test
    void anEmptyHistorySaysWhatToDo() throws Exception {
        try (HistoryStore store = HistoryStore.open(dataDir)) {
            retain(HISTORY, new String(HistorySummary.payload(store, DEVICE, NOW, ZoneOffset.UTC, new Thresholds.Sessions(300_000, 300_000, 600_000)),
                    StandardCharsets.UTF_8));
        }
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            WebElement el = openHistory(server);
            new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50))
                    .until(d -> el.findElement(By.cssSelector(".history-body")).isDisplayed());
            assertThat(el.findElement(By.cssSelector(".history-minutes")).getText()).startsWith("No sessions in these weeks yet");
            assertThat(el.findElement(By.cssSelector(".history-weeks")).getText()).startsWith("No sessions in these weeks yet");
            assertThat(el.findElement(By.cssSelector(".history-pain")).getText()).startsWith("No pain reported yet");
            assertThat(el.findElement(By.cssSelector(".history-advice")).getText())
                    .isEqualTo("Advice needs pain reports on 3 days within 14 (0 so far): report pain after each session.");
            assertThat(el.findElements(By.cssSelector("rect.day-bar, rect.week-bar, circle.pain-point"))).isEmpty();
        }
    }

    /**
     * Anyone who can publish to the broker can publish a history: markup in its strings and absurd
     * numbers are refused by the feed (the page keeps what it showed), markup in fields the contract
     * does not have never reaches the page, and the page's own check holds even for a message that
     * got past the server: nothing is drawn from it and no script runs.
     */
    @Test
    void aHistoryMadeToAttackThePageIsRefusedOrShownAsTextAndNoScriptRuns() throws Exception {
        String good = eightWeeks();
        retain(HISTORY, good);
        String script = "window.pwned=(window.pwned||0)+1";
        String img = "<img src=x onerror=\\\"" + script + "\\\">";
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            WebElement el = openHistory(server);
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            wait.until(d -> el.findElements(By.cssSelector("rect.week-bar")).size() == 16);

            long ignored = feed.ignoredCount();
            ObjectNode marked = (ObjectNode) Json.read(good);
            ((ObjectNode) marked.path("days").get(0)).put("leg", "<img src=x onerror=\"" + script + "\">");
            ObjectNode absurd = (ObjectNode) Json.read(good);
            ((ObjectNode) absurd.path("days").get(0)).put("active_min", 1e308);
            ((ObjectNode) absurd.path("weeks").get(0).path("sessions")).put("left", -5);
            ObjectNode extra = (ObjectNode) Json.read(good);
            extra.put("note", "<img src=x onerror=\"" + script + "\">");
            ((ObjectNode) extra.path("seek_professional")).put("message", "<svg onload=\"" + script + "\">");
            extra.put("to", "2026-11-28"); // so the page sees a change
            bridge.publish(HISTORY, Json.write(marked).getBytes(StandardCharsets.UTF_8), 1, false);
            bridge.publish(HISTORY, Json.write(absurd).getBytes(StandardCharsets.UTF_8), 1, false);
            bridge.publish(HISTORY, Json.write(extra).getBytes(StandardCharsets.UTF_8), 1, false);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> feed.ignoredCount() >= ignored + 2);
            wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                    "return devices.get(arguments[0]).history.to === Date.UTC(2026, 10, 28)", DEVICE));
            assertThat(feed.ignoredCount()).as("the markup and the absurd numbers were refused").isEqualTo(ignored + 2);
            assertThat(el.findElements(By.cssSelector("rect.week-bar"))).as("the page kept the bridge's history").hasSize(16);

            // Past the server (as if it had none): the page checks again and draws nothing it cannot trust.
            ((JavascriptExecutor) page).executeScript("route(arguments[0], JSON.parse(arguments[1]));", HISTORY, "{\"from\":\"2026-10-05\","
                    + "\"to\":\"2026-11-27\",\"legs\":[\"left\",\"" + img + "\"],\"days\":[{\"date\":\"2026-11-20\",\"leg\":\"" + img + "\","
                    + "\"sessions\":1,\"active_min\":5},{\"date\":\"<b>2026-11-21</b>\",\"leg\":\"left\",\"sessions\":1,\"active_min\":5},"
                    + "{\"date\":\"2026-11-22\",\"leg\":\"left\",\"sessions\":\"1\",\"active_min\":1e300},{\"date\":\"2026-11-23\",\"leg\":\"left\","
                    + "\"sessions\":1,\"active_min\":6,\"holds\":\"" + img + "\",\"alerts\":{\"warning\":\"" + img + "\"}}],"
                    + "\"weeks\":[{\"week\":\"" + img + "\",\"start\":\"2026-11-23\",\"sessions\":{\"left\":1,\"" + img + "\":9}}],"
                    + "\"pain\":[{\"date\":\"2026-11-24\",\"mean\":\"" + img + "\"},{\"date\":\"2026-11-25\",\"mean\":50}],"
                    + "\"frequency\":{\"daily_per_week\":\"" + img + "\",\"last_7_days\":{\"left\":\"" + img + "\"}},"
                    + "\"seek_professional\":{\"due\":\"" + img + "\",\"trend\":\"" + img + "\",\"days\":1e9,\"since\":\"" + img + "\"}}");
            // One week of one leg: the leg that is markup is no leg.
            wait.until(d -> el.findElements(By.cssSelector("rect.week-bar")).size() == 1);
            assertThat(el.findElements(By.cssSelector("rect.day-bar"))).as("only the one day that is valid").hasSize(1);
            assertThat(el.findElement(By.cssSelector("rect.day-bar")).getAttribute("data-minutes")).isEqualTo("6.0");
            assertThat(el.findElements(By.cssSelector("circle.pain-point"))).isEmpty();
            assertThat(el.findElement(By.cssSelector(".history-advice")).getAttribute("class")).isEqualTo("history-advice");
            assertThat(el.findElement(By.cssSelector(".history-view")).getText()).doesNotContain("<img").doesNotContain("onerror");
            Thread.sleep(500); // time for any script that was going to run
            assertThat(((JavascriptExecutor) page).executeScript("return window.pwned === undefined ? null : window.pwned;"))
                    .as("script from MQTT ran").isNull();
            assertThat(page.findElements(By.cssSelector("img, [onerror], [onload]"))).as("elements planted by the history").isEmpty();
        }
    }

    private static int sum(int[] values) {
        int s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    private static Integer[] boxed(int[] values) {
        Integer[] out = new Integer[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
