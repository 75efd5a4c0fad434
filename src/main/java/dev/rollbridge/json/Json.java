package dev.rollbridge.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * JSON and YAML trees and JSON payloads on Jackson's streaming parser and writer alone.
 *
 * <p>Why not an {@code ObjectMapper}: building one loads some 500 classes of Jackson's data
 * binding (introspection, serializer and deserializer factories, caches), which the daemon would
 * carry for months, in its class data archive and its memory, to read a config file and a few
 * small commands. The trees are Jackson's own {@link JsonNode}s, as an {@code ObjectMapper} would
 * build them (the same node types for the same input); values this class does not know how to
 * write (none on the daemon's paths) still go through data binding, loaded only then.
 */
public final class Json {
    /** For JSON parsers and generators. */
    public static final JsonFactory FACTORY = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /**
     * How deep a document from outside may nest (objects and arrays) unless a reader asks for less.
     * Trees are built without recursion, so depth costs heap, not stack; the bound keeps a hostile
     * payload from costing much of either, and keeps the recursive writers and {@code JsonNode}'s
     * own {@code equals}/{@code toString} safe on every tree this class builds.
     */
    public static final int MAX_DEPTH = 64;

    /** A JSON document's tree; {@link MissingNode} for an empty one (as {@code ObjectMapper.readTree}). */
    public static JsonNode read(byte[] json) throws JsonProcessingException {
        return read(json, MAX_DEPTH);
    }

    /**
     * A JSON document's tree, refusing one nested deeper than {@code maxDepth} or followed by
     * anything but whitespace ({@code {"pain":5} garbage}).
     */
    public static JsonNode read(byte[] json, int maxDepth) throws JsonProcessingException {
        return tree(() -> FACTORY.createParser(json), maxDepth, true);
    }

    /** A JSON document's tree; {@link MissingNode} for an empty one. */
    public static JsonNode read(String json) throws JsonProcessingException {
        return tree(() -> FACTORY.createParser(json), MAX_DEPTH, true);
    }

    /** A YAML document's tree (its first document); {@link MissingNode} for an empty one. */
    public static JsonNode readYaml(String yaml) throws JsonProcessingException {
        return tree(() -> YAML.createParser(yaml), MAX_DEPTH, false);
    }

    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private static JsonNode tree(ParserSource source, int maxDepth, boolean single) throws JsonProcessingException {
        try (JsonParser p = source.open()) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return MissingNode.getInstance();
            }
            JsonNode root = build(p, first, maxDepth);
            if (single && !atEnd(p)) {
                throw new JsonParseException(p, "unexpected content after the JSON value");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // In-memory input: only a decoding problem, reported as a parse error like the others.
            throw new JsonParseException(null, e.getMessage(), e);
        }
    }

    /** Nothing but whitespace is left (what the parser makes of anything else does not matter: it is refused). */
    private static boolean atEnd(JsonParser p) {
        try {
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The value starting at {@code first}, built with an explicit stack of open containers: a
     * document nested a thousand deep must not overflow a thread's stack (the service runs with
     * 256 kB stacks), whatever the depth limit.
     */
    private static JsonNode build(JsonParser p, JsonToken first, int maxDepth) throws IOException {
        ArrayDeque<ContainerNode<?>> open = new ArrayDeque<>();
        String name = null;
        for (JsonToken token = first; ; token = p.nextToken()) {
            if (token == null) {
                throw new JsonParseException(p, "unexpected end of input");
            }
            JsonNode value;
            switch (token) {
                case FIELD_NAME:
                    name = p.currentName();
                    continue;
                case START_OBJECT:
                case START_ARRAY:
                    if (open.size() >= maxDepth) {
                        throw new JsonParseException(p, "nesting depth over " + maxDepth + " levels");
                    }
                    ContainerNode<?> container = token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
                    attach(open.peek(), name, container);
                    open.push(container);
                    continue;
                case END_OBJECT:
                case END_ARRAY:
                    value = open.pop();
                    if (open.isEmpty()) {
                        return value;
                    }
                    continue;
                default:
                    value = scalar(p, token);
            }
            if (open.isEmpty()) {
                return value;
            }
            attach(open.peek(), name, value);
        }
    }

    private static void attach(ContainerNode<?> parent, String name, JsonNode value) {
        if (parent instanceof ObjectNode object) {
            object.set(name, value);
        } else if (parent instanceof ArrayNode array) {
            array.add(value);
        }
    }

    private static JsonNode scalar(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                        ? NODES.numberNode(p.getDecimalValue()) : NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                Object embedded = p.getEmbeddedObject();
                return embedded instanceof byte[] bytes ? NODES.binaryNode(bytes) : NODES.pojoNode(embedded);
            }
            default:
                throw new JsonParseException(p, "unexpected " + token);
        }
    }

    /**
     * A value as it may be echoed in an error message: its text (strings without quotes), cut to
     * {@code max} characters with an ellipsis, so a 256 kB payload is never repeated back.
     */
    public static String excerpt(JsonNode value, int max) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        return excerpt(value.isTextual() ? value.textValue() : write(value), max);
    }

    /** Text cut to {@code max} characters, with an ellipsis when cut. */
    public static String excerpt(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "\u2026";
    }

    /** Compact JSON text of a tree, as {@code JsonNode.toString()} gives it. */
    public static String write(JsonNode tree) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toString();
    }

    /** UTF-8 JSON of maps, collections, text, numbers, booleans, null, enums (by name), trees and optionals. */
    public static byte[] bytes(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** One value, the way {@link #bytes} writes it. */
    public static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(g, entry.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                writeValue(g, element);
            }
            g.writeEndArray();
        } else if (v instanceof JsonNode node) {
            writeTree(g, node);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (v instanceof Optional<?> o) {
            writeValue(g, o.orElse(null));
        } else {
            Binding.JSON.writeValue(g, v);
        }
    }

    private static void writeTree(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    g.writeFieldName(field.getKey());
                    writeTree(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : n) {
                    writeTree(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
                    default -> g.writeNumber(n.doubleValue());
                }
            }
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            case BINARY -> g.writeBinary(n.binaryValue());
            case MISSING -> {
                // Nothing, as JsonNode.toString() writes nothing for a missing node.
            }
            default -> Binding.JSON.writeValue(g, n);
        }
    }

    /** Data binding, for values of types this class does not write itself; loaded on first use only. */
    private static final class Binding {
        static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}
