using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>A spline is the identity outside its bound: a flow says how much of its data lands there, and training warns.</summary>
public class SplineTailTests
{
    [Fact]
    public void The_share_outside_each_splines_bound_is_counted_where_the_values_reach_it()
    {
        var spec = Flow.Over(Dist.StandardNormal(2))
            .Then(Bij.Coupling(Mask.Alternating(2), Net.Mlp(8), Univariate.Spline(8, 3)))
            .Then(Bij.Affine())
            .Then(Bij.BatchNorm());
        using var flow = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var x = torch.tensor(new[] { 0.0, 5.0, 1.0, 1.0, -2.0, 0.5, 0.0, -4.0 }, dtype: torch.float64).reshape(4, 2);
        var before = flow.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        var tail = Assert.Single(flow.SplineTails(x));
        // Fresh affine and batch-norm steps are the identity in evaluation mode but for batch norm's ε (running
        // variance 1 + 10⁻⁵), so the spline sees x / √(1 + 10⁻⁵).
        Assert.Equal("flow.steps[0]", tail.Step);
        Assert.Equal(3, tail.Bound);
        Assert.Equal(2.0 / 8, tail.OutsideShare, 12);
        Assert.Equal(5 / Math.Sqrt(1 + 1e-5), tail.LargestMagnitude, 12);
        Assert.True(flow.training);
        Assert.All(flow.state_dict(), e => Assert.True(e.Value.equal(before[e.Key]).all().item<bool>(), $"{e.Key} moved"));
    }

    [Fact]
    public void Training_warns_once_of_data_in_a_splines_tails_and_not_of_standardised_data()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 256, Device.Cpu, Seed.Generator(0));
        var warned = new List<string>();
        var log = new WarningLog();
        Train(data * 4, warned, log);
        var message = Assert.Single(warned);
        Assert.Contains("flow.steps[", message);
        Assert.Contains("outside [-3, 3]", message);
        Assert.Contains("Univariate.Spline(bins, bound:", message);
        Assert.Equal(warned, log.Messages);

        warned.Clear();
        Train(data / data.std(), warned, new WarningLog());
        Assert.Empty(warned);
    }

    private static void Train(torch.Tensor data, List<string> warned, ITrainingCallback callback)
    {
        using var flow = Flow.Nsf(2, transforms: 1, bins: 8, bound: 3, 16).Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(flow.parameters(), 1e-3);
        var trainer = new Trainer(flow, adam, x => -flow.LogProb(x).mean(), new TrainingOptions { Epochs = 2, BatchSize = 64 })
        {
            Warn = warned.Add,
            Callbacks = [callback],
        };
        trainer.Fit(data);
    }

    private sealed class WarningLog : ITrainingCallback
    {
        public List<string> Messages { get; } = new();

        public void OnWarning(string message) => Messages.Add(message);
    }
}
