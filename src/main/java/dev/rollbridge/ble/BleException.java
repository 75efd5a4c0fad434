package dev.rollbridge.ble;

/** A BLE operation that failed: what was tried, on which device, and why. */
public class BleException extends Exception {
    public BleException(String message) {
        super(message);
    }

    public BleException(String message, Throwable cause) {
        super(message, cause);
    }
}
