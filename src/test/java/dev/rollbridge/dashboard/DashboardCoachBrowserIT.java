package dev.rollbridge.dashboard;

import dev.rollbridge.testing.Chromium;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coach's latest prompt on the device card (issue 20), in a real headless Chromium: shown as
 * text, replaced by the next; a prompt with a step the contract does not
 * have is refused by the feed, and markup in a prompt's text stays text.
 */
class DashboardCoachBrowserIT extends WithFakeBridge {
    private static final String BASE = "coachpage";
    private static final String DEVICE = "dev1";

    DashboardCoachBrowserIT() {
        super(BASE, DEVICE, "");
    }

    private void prompt(String id, String step, String text) throws Exception {
        bridge.publish(BASE + "/" + DEVICE + "/event", ("{\"id\":\"" + id + "\",\"seq\":1,\"type\":\"coach_prompt\",\"severity\":\"info\","
                + "\"state\":\"instant\",\"t_ms\":3000,\"ts\":\"2026-12-01T10:00:00Z\",\"message\":\"" + text + "\",\"data\":{\"step\":\""
                + step + "\",\"text\":\"" + text + "\"}}").getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Test
    void theLatestPromptIsShownAsTextAndABadOneIsRefused() throws Exception {
        retain(BASE + "/" + DEVICE, "{\"pressure_kpa\":40,\"speed_cm_s\":1,\"phase\":\"rolling\",\"hold_s\":0,\"leg\":\"left\","
                + "\"leg_active_s\":10,\"battery\":80,\"t_ms\":1000}");
        try (DashboardServer server = DashboardServer.start(feed, "127.0.0.1", 0, null)) {
            page = Chromium.start();
            page.get(server.url());
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(15), Duration.ofMillis(50));
            wait.until(d -> !d.findElements(By.cssSelector("section.device[data-device='" + DEVICE + "']")).isEmpty());
            WebElement card = page.findElement(By.cssSelector("section.device[data-device='" + DEVICE + "']"));
            assertThat(card.findElement(By.cssSelector(".coach")).isDisplayed()).as("no prompt yet").isFalse();

            prompt("c1", "warm_up", "Warm up first: long, slow strokes.");
            wait.until(d -> card.findElement(By.cssSelector(".coach-text")).getText().equals("Warm up first: long, slow strokes."));
            assertThat(card.findElement(By.cssSelector(".coach")).getAttribute("data-step")).isEqualTo("warm_up");

            long ignored = feed.ignoredCount();
            prompt("c2", "<b>not_a_step</b>", "Planted.");
            wait.until(d -> feed.ignoredCount() > ignored);
            prompt("c3", "red_flags", "<img src=x onerror=\\\"window.pwned=1\\\"> numbness: stop");
            wait.until(d -> card.findElement(By.cssSelector(".coach-text")).getText().endsWith("numbness: stop"));
            assertThat(card.findElement(By.cssSelector(".coach-text")).getText()).startsWith("<img src=x");
            assertThat(card.findElement(By.cssSelector(".coach")).getAttribute("data-step")).isEqualTo("red_flags");
            assertThat(card.findElement(By.cssSelector(".alerts")).getText()).doesNotContain("Planted.");
            assertThat(page.findElements(By.cssSelector("img, [onerror]"))).isEmpty();
            assertThat(((JavascriptExecutor) page).executeScript("return window.pwned === undefined;")).isEqualTo(true);
        }
    }
}
