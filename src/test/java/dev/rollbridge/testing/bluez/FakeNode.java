package dev.rollbridge.testing.bluez;

import org.freedesktop.dbus.DBusCallInfo;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One exported BlueZ object with one interface and its properties. */
abstract class FakeNode implements Properties {
    final String path;
    final String iface;
    final Map<String, Object> props = new ConcurrentHashMap<>();

    FakeNode(String path, String iface) {
        this.path = path;
        this.iface = iface;
    }

    /** The unique bus name of the client whose call this thread is answering ("local" outside a call). */
    static String sender() {
        DBusCallInfo info = AbstractConnectionBase.getCallInfo();
        return info == null || info.getSource() == null ? "local" : info.getSource();
    }

    @Override
    public String getObjectPath() {
        return path;
    }

    void describe(Map<DBusPath, Map<String, Map<String, Variant<?>>>> into) {
        Map<String, Variant<?>> values = new LinkedHashMap<>();
        props.forEach((k, v) -> values.put(k, FakeBluez.variant(v)));
        Map<String, Map<String, Variant<?>>> ifaces = new LinkedHashMap<>();
        ifaces.put(iface, values);
        ifaces.put("org.freedesktop.DBus.Properties", Map.of());
        into.put(new DBusPath(path), ifaces);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> A Get(String interfaceName, String propertyName) {
        Object v = props.get(propertyName);
        if (v == null) {
            throw new org.freedesktop.dbus.exceptions.DBusExecutionException("no property " + propertyName + " on " + path);
        }
        return (A) FakeBluez.variant(v);
    }

    @Override
    public Map<String, Variant<?>> GetAll(String interfaceName) {
        Map<String, Variant<?>> values = new LinkedHashMap<>();
        props.forEach((k, v) -> values.put(k, FakeBluez.variant(v)));
        return values;
    }

    @Override
    public <A> void Set(String interfaceName, String propertyName, A value) {
        Object plain = value instanceof Variant<?> v ? v.getValue() : value;
        set(propertyName, plain);
    }

    /** A client set a property: refused unless a subclass allows it. */
    void set(String name, Object value) {
        throw new org.freedesktop.dbus.exceptions.DBusExecutionException(name + " is read-only");
    }
}
