package dev.rollbridge.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Json} against Jackson's data binding, which it stands in for on the daemon's paths. */
class JsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper YAML_MAPPER = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper SNAKE = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private static final List<String> JSON_DOCUMENTS = List.of(
            "{\"pain\":5}",
            "{\"a\":1,\"b\":2147483648,\"c\":123456789012345678901234567890,\"d\":1.5,\"e\":-0.0,\"f\":1e300,\"g\":1E-7}",
            "[1,[2,[3,{}]],[],\"x\",true,false,null]",
            "{\"text\":\"tab\\there \\\"quoted\\\" \\u00e9 \\ud83d\\ude00 back\\\\slash\",\"nested\":{\"deeper\":{\"list\":[{\"k\":\"v\"}]}}}",
            "{\"dup\":1,\"dup\":2}",
            "  \"just text\"  ",
            "42",
            "{\"transaction\":{\"id\":\"abc\",\"n\":[1,2.25]}}");

    @Test
    void readsJsonIntoTheTreesDataBindingBuilds() throws Exception {
        for (String doc : JSON_DOCUMENTS) {
            assertThat(Json.read(doc)).as(doc).isEqualTo(MAPPER.readTree(doc));
            assertThat(Json.read(doc.getBytes(StandardCharsets.UTF_8))).as(doc).isEqualTo(MAPPER.readTree(doc.getBytes(StandardCharsets.UTF_8)));
        }
        // Same node types, not only equal values: an int stays an IntNode, a long a LongNode.
        assertThat(Json.read("{\"i\":1,\"l\":2147483648,\"d\":1.0}").get("i").numberType()).isEqualTo(MAPPER.readTree("1").numberType());
        assertThat(Json.read("2147483648").isLong()).isTrue();
        assertThat(Json.read("123456789012345678901234567890").isBigInteger()).isTrue();
        assertThat(Json.read("1.0").isDouble()).isTrue();
    }

    @Test
    void writesTreesAsJsonNodeToStringDoes() throws Exception {
        for (String doc : JSON_DOCUMENTS) {
            JsonNode tree = MAPPER.readTree(doc);
            assertThat(Json.write(tree)).as(doc).isEqualTo(tree.toString()).isEqualTo(MAPPER.writeValueAsString(tree));
        }
        var object = JsonNodeFactory.instance.objectNode().put("f", 1.5f).put("big", new BigDecimal("1.10")).put("bin", new byte[] {1, 2, 3});
        assertThat(Json.write(object)).isEqualTo(object.toString());
        assertThat(Json.write(MissingNode.getInstance())).isEmpty();
    }

    @Test
    void readsYamlIntoTheTreesDataBindingBuilds() throws Exception {
        List<String> docs = new ArrayList<>(List.of(
                "mqtt:\n  broker: tcp://127.0.0.1:1883\n  keepalive_s: 30\ndevices:\n  - profile: rollsense-ball\n    thresholds: {hold_target_ms: 45000, pressure_ceiling_kpa: 62.5}\n",
                "a: ~\nb: yes\nc: 'quoted: text'\nd: 0x1F\ne: 1_000\nf: .5\ng: [1, 2, three]\nh: 99999999999\n",
                "- 1\n- two\n-\n  nested: {x: 1}\n"));
        docs.add(Files.readString(Path.of("rollbridge.example.yaml")));
        try (var profiles = Files.list(Path.of("device-profiles"))) {
            for (Path p : profiles.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                docs.add(Files.readString(p));
            }
        }
        assertThat(docs).hasSizeGreaterThan(4);
        for (String doc : docs) {
            assertThat(Json.readYaml(doc)).as(doc).isEqualTo(YAML_MAPPER.readTree(doc));
        }
    }

    @Test
    void anEmptyDocumentIsMissingAndABrokenOneSaysWhere() {
        assertThat(catching(() -> Json.read(""))).isEqualTo(MissingNode.getInstance());
        assertThat(catching(() -> Json.read(new byte[0]))).isEqualTo(MissingNode.getInstance());
        assertThat(catching(() -> Json.readYaml("# only a comment\n"))).isEqualTo(MissingNode.getInstance());

        assertThatThrownBy(() -> Json.read("{\"pain\":}")).isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(((JsonProcessingException) e).getLocation().getColumnNr()).isEqualTo(9));
        assertThatThrownBy(() -> Json.read("{\"a\":1")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("end-of-input");
        assertThatThrownBy(() -> Json.read(new byte[] {'"', (byte) 0xC3, '"'})).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.readYaml("a: [1, 2\nb: 3\n")).isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(((JsonProcessingException) e).getLocation()).isNotNull());
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> Json.read(deep)).isInstanceOf(JsonProcessingException.class).hasMessageContaining("depth");
    }

    /**
     * The service runs with 256 kB thread stacks (-Xss256k). A reader that recursed once per level
     * overflowed that at the parser's own limit of 1,000 levels: a StackOverflowError, which no
     * caller expected. The tree is built without recursion, and refuses more than 64 levels.
     */
    @Test
    void aThousandLevelsOnAServiceSizedStackAreAParseErrorNotAStackOverflow() throws Exception {
        byte[] command = ("{\"transaction\":" + "[".repeat(999) + "]".repeat(999) + ",\"pain\":5}").getBytes(StandardCharsets.UTF_8);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                Json.read(command);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "service-sized-stack", 256 * 1024);
        small.start();
        small.join();
        assertThat(thrown.get()).isInstanceOf(JsonProcessingException.class).hasMessageContaining("depth over 64");

        // Within the limit, as deep as allowed, on the same stack: read whole.
        JsonNode deepest = Json.read(("[".repeat(64) + "]".repeat(64)).getBytes(StandardCharsets.UTF_8));
        int depth = 0;
        for (JsonNode n = deepest; n != null && n.isArray(); n = n.size() > 0 ? n.get(0) : null) {
            depth++;
        }
        assertThat(depth).isEqualTo(64);
        assertThatThrownBy(() -> Json.read("[[[1]]]".getBytes(StandardCharsets.UTF_8), 2)).hasMessageContaining("depth over 2");
    }

    @Test
    void anythingAfterTheJsonValueIsRefused() throws Exception {
        assertThatThrownBy(() -> Json.read("{\"pain\":5} garbage")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("after the JSON value");
        assertThatThrownBy(() -> Json.read("{\"pain\":5}{\"pain\":9}")).isInstanceOf(JsonProcessingException.class);
        assertThat(catching(() -> Json.read("  {\"pain\":5}\n\t "))).isEqualTo(Json.read("{\"pain\":5}"));
        assertThat(Json.excerpt("x".repeat(5_000), 100)).hasSize(100).endsWith("\u2026");
    }

    enum Colour { RED }

    @Test
    void writesPayloadValuesAsDataBindingDoes() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("pain3_kpa", 31.25);
        inner.put("none", null);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "é \"q\" \n");
        value.put("int", 7);
        value.put("long", 1L << 40);
        value.put("double", 0.1 + 0.2);
        value.put("nan", Double.NaN);
        value.put("float", 2.5f);
        value.put("short", (short) 3);
        value.put("big_int", new BigInteger("123456789012345678901234567890"));
        value.put("big_dec", new BigDecimal("1.50"));
        value.put("bool", true);
        value.put("null", null);
        value.put("enum", Colour.RED);
        value.put("list", List.of(1, "two", List.of(), Map.of()));
        value.put("map", inner);
        value.put("tree", MAPPER.readTree("{\"id\":\"abc\",\"n\":[1,2.25]}"));
        value.put("optional", Optional.of("here"));
        value.put("empty_optional", Optional.empty());

        Map<String, Object> forBinding = new LinkedHashMap<>(value);
        forBinding.put("optional", "here"); // data binding without the JDK 8 module writes an Optional as a bean
        forBinding.put("empty_optional", null);
        assertThat(new String(Json.bytes(value), StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(forBinding));
    }

    /** A value of a type {@link Json} does not write itself. */
    public static final class Bean {
        public int getCount() {
            return 3;
        }
    }

    @Test
    void anUnknownTypeStillGoesThroughDataBinding() throws Exception {
        assertThat(new String(Json.bytes(List.of(new Bean())), StandardCharsets.UTF_8)).isEqualTo("[{\"count\":3}]");
    }

    private interface Reading {
        JsonNode read() throws JsonProcessingException;
    }

    private static JsonNode catching(Reading reading) {
        try {
            return reading.read();
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
