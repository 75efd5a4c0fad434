package dev.rollbridge.dashboard;

import dev.rollbridge.testing.Chromium;
import dev.rollbridge.testing.MqttProbe;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The morning check-in on the device card (issue 20), in a real headless Chromium: while today's
 * is due, eleven buttons 0-10; a click sends {@code {"checkin": N}}; once answered they go, and a
 * line says the next session is eased while a sore morning holds. A planted value does not reach
 * the DOM as markup.
 */
class DashboardCheckinBrowserIT extends WithFakeBridge {
    private static final String BASE = "checkinpage";
    private static final String DEVICE = "dev1";
    private static final String CALIBRATED = "{\"lowered\":false,\"factor\":1.0,\"since\":null,\"sore\":null,\"reference\":2,"
            + "\"good_mornings\":0,\"good_mornings_to_restore\":2,\"last_checkin\":2,\"last_checkin_day\":\"2026-11-30\"}";
    private static final String LOWERED = "{\"lowered\":true,\"factor\":0.8,\"since\":\"2026-12-01\",\"sore\":7,\"reference\":2,"
            + "\"good_mornings\":0,\"good_mornings_to_restore\":2,\"last_checkin\":7,\"last_checkin_day\":\"2026-12-01\"}";

    DashboardCheckinBrowserIT() {
        super(BASE, DEVICE, "", "/checkin");
    }

    private static String state(boolean due, String answer, String adaptation) {
        return "{\"device\":\"" + DEVICE + "\",\"ts\":\"2026-12-01T07:00:00Z\",\"day\":\"2026-12-01\",\"question\":\"q\",\"asked\":true,"
                + "\"due\":" + due + ",\"answer\":" + answer + ",\"time\":\"08:00\",\"adaptation\":" + adaptation + "}";
    }

    /** The bridge's state with the question due, the page opened on it: the device's card once it asks. */
    private WebElement cardAskingTheQuestion(DashboardServer server) throws Exception {
        retain(BASE + "/" + DEVICE, "{\"pressure_kpa\":0,\"speed_cm_s\":0,\"phase\":\"idle\",\"hold_s\":0,\"leg\":\"unknown\","
                + "\"leg_active_s\":0,\"battery\":80,\"t_ms\":1000}");
        retain(BASE + "/" + DEVICE + "/checkin", state(true, "null", CALIBRATED));
        page = Chromium.start();
        page.get(server.url());
        WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
        wait.until(d -> !d.findElements(By.cssSelector("section.device[data-device='" + DEVICE + "']")).isEmpty());
        WebElement card = page.findElement(By.cssSelector("section.device[data-device='" + DEVICE + "']"));
        wait.until(d -> card.findElement(By.cssSelector(".checkin")).isDisplayed());
        return card;
    }

    @Test
    void theDueCheckinIsAnsweredWithAButtonAndTheEasedSessionIsShown() throws Exception {
        try (MqttProbe commands = new MqttProbe(broker.url(), BASE + "/" + DEVICE + "/set");
             DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            WebElement card = cardAskingTheQuestion(server);
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            assertThat(card.findElement(By.cssSelector(".checkin")).getText()).contains("How does the back of your thigh feel today, 0–10?");
            assertThat(card.findElements(By.cssSelector(".checkin-scale button"))).extracting(WebElement::getText)
                    .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
            assertThat(card.findElement(By.cssSelector(".adapted")).isDisplayed()).isFalse();
            // docs/dashboard-checkin.png is this picture.
            Files.write(Path.of("target", "dashboard-checkin.png"), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));

            card.findElement(By.cssSelector(".checkin-scale button[data-checkin='7']")).click();
            commands.await("the check-in command", Duration.ofSeconds(5), m -> m.payload().equals("{\"checkin\":7}"));

            // The bridge's answer: recorded, the next session lowered.
            retain(BASE + "/" + DEVICE + "/checkin", state(false, "7", LOWERED));
            wait.until(d -> !card.findElement(By.cssSelector(".checkin")).isDisplayed());
            wait.until(d -> card.findElement(By.cssSelector(".adapted")).isDisplayed());
            assertThat(card.findElement(By.cssSelector(".adapted")).getText())
                    .startsWith("Next session eased: pressure ceiling and leg time 20 % lower after a sore morning (7/10 on ")
                    .endsWith("Two good mornings bring them back.");
            Files.write(Path.of("target", "dashboard-checkin-eased.png"), ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));

            // A planted state: the feed refuses it, the page keeps what it showed, nothing becomes markup.
            long ignored = feed.ignoredCount();
            retain(BASE + "/" + DEVICE + "/checkin", state(true, "\"<img src=x onerror=window.pwned=1>\"", LOWERED));
            wait.until(d -> feed.ignoredCount() > ignored);
            assertThat(card.findElement(By.cssSelector(".checkin")).isDisplayed()).isFalse();
            assertThat(page.findElements(By.cssSelector("img, [onerror]"))).isEmpty();
            assertThat(((JavascriptExecutor) page).executeScript("return window.pwned === undefined;")).isEqualTo(true);

            // Two good mornings later: back to the calibrated values, the line goes.
            retain(BASE + "/" + DEVICE + "/checkin", state(false, "2", CALIBRATED));
            wait.until(d -> !card.findElement(By.cssSelector(".adapted")).isDisplayed());
        }
    }

    @Test
    void aReadOnlyPageShowsTheQuestionWithoutItsButtons() throws Exception {
        // Commands need a token this page does not have: it only reads.
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, "a-token-the-page-lacks")) {
            WebElement card = cardAskingTheQuestion(server);
            assertThat(page.findElement(By.tagName("body")).getAttribute("class")).contains("read-only");
            assertThat(card.findElement(By.cssSelector(".checkin-scale")).isDisplayed()).as("no buttons to press").isFalse();
        }
    }
}
