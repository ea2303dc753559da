using Xunit;

// One GPU, one test at a time: parallel tests would share the device's memory and streams, and timing-free but
// order-sensitive checks (the same seed on the CPU and the GPU) are easier to trust run in sequence.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
