using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>Data on another device than the model is refused with the move that fixes it.</summary>
public sealed class PlacementHintTests
{
    [Fact]
    public void Data_on_another_device_is_refused_with_the_move_that_fixes_it()
    {
        using var flow = Flow.RealNvp(2, 1, 4).Compile(Device.Cpu, seed: 0);
        using var elsewhere = torch.zeros(new long[] { 3, 2 }, device: torch.device("meta"));
        var e = Assert.Throws<ArgumentException>(() => flow.LogProb(elsewhere));
        Assert.Contains("the model lives on cpu", e.Message);
        Assert.Contains(".to(Device.Cpu)", e.Message);
    }
}
