package dev.rollbridge.testing;

import dev.rollbridge.analysis.DeviceState;
import dev.rollbridge.analysis.Event;
import dev.rollbridge.bridge.DevicePipeline;
import dev.rollbridge.profile.FrameDecoder;
import dev.rollbridge.stream.Frame;
import dev.rollbridge.stream.Sample;
import dev.rollbridge.stream.SampleView;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a decoder or a pipeline hands on, for assertions (override a method to route it elsewhere). Thread-safe. */
public class Recorder implements FrameDecoder.Listener, DevicePipeline.Listener {
    public final List<Sample> samples = new CopyOnWriteArrayList<>();
    public final List<Integer> battery = new CopyOnWriteArrayList<>();
    public final List<String> malformed = new CopyOnWriteArrayList<>();
    public final List<Event> events = new CopyOnWriteArrayList<>();
    public final List<DeviceState> states = new CopyOnWriteArrayList<>();
    public final List<Boolean> links = new CopyOnWriteArrayList<>();
    /** Each sample's pressure and motion age (ms), in the order of {@link #samples}. */
    public final List<Long> pressureAges = new CopyOnWriteArrayList<>();
    public final List<Long> motionAges = new CopyOnWriteArrayList<>();

    @Override
    public void onSample(SampleView sample) {
        samples.add(sample.toSample());
        pressureAges.add(sample.pressureAgeMillis());
        motionAges.add(sample.motionAgeMillis());
    }

    @Override
    public void onBattery(long tMillis, int percent) {
        battery.add(percent);
    }

    @Override
    public void onMalformed(Frame frame, String reason) {
        malformed.add(reason);
    }

    @Override
    public void onEvent(String deviceId, Event event) {
        events.add(event);
    }

    @Override
    public void onState(String deviceId, DeviceState state) {
        states.add(state);
    }

    @Override
    public void onLink(String deviceId, boolean up) {
        links.add(up);
    }
}
