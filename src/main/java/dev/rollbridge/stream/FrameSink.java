package dev.rollbridge.stream;


/** Where a transport hands its frames and link changes. Implemented by the device pipeline. */
public interface FrameSink {

    /**
     * For radio callbacks: never blocks. Returns false when the pipeline is saturated; the frame
     * is then dropped and counted.
     */
    boolean offer(Frame frame);

    /** For sources that can wait (simulator, replay): blocks until there is room. */
    void put(Frame frame) throws InterruptedException;

    /** The link to the device came up or went down. */
    void linkChanged(boolean up);

    /** A finite source (a replay, a one-shot simulation) has delivered everything it had. */
    void endOfStream();
}
