using System;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>
/// Vector and image flows share one kind of step (<see cref="BijSpec"/>): a step of one's own, an elementwise step or a
/// normalisation goes into either, and a step that does not fit the events is refused, naming the path.
/// </summary>
public class SharedStepTests
{
    private static FlowSpec SmallGlow => ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4);

    [Fact]
    public void A_step_of_ones_own_goes_into_an_image_flow_and_keeps_the_bijector_laws()
    {
        var spec = SmallGlow.Then(new ChannelScale()).Then(Bij.Affine()).Then(Bij.BatchNorm());
        Assert.Contains("ChannelScale", spec.ToString());
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        Checkpoints.CheckpointModels.Perturb(model, 4);
        using var x = ImageFlowModels.Pixels(8, spec.EventShape, torch.float64, 1);
        model.eval();
        var bijector = model.DataToBase();
        BijectorLaws.LogDetMatchesJacobian(bijector, x[..3], 1e-8);
        BijectorLaws.RoundTrips(bijector, x, 1e-8);
        BijectorLaws.InverseLogDetIsNegated(bijector, x, 1e-8);
        Assert.True(model.LogProb(x).isfinite().all().item<bool>());

        // Its weights save and load without a JSON form; the spec's JSON names the fix.
        var error = Assert.Throws<InvalidOperationException>(() => spec.ToJson());
        Assert.Contains("SpecJson.Register<ChannelScale>", error.Message);
        var path = Path.Combine(Path.GetTempPath(), $"gen-shared-{Guid.NewGuid():N}.weights");
        try
        {
            Model.SaveWeights(path, model);
            using var copy = spec.Compile(Device.Cpu, torch.float64, seed: 5);
            Model.LoadWeights(path, copy);
            copy.eval();
            Assert.True(copy.LogProb(x).allclose(model.LogProb(x), 0, 0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ActNorm_in_a_vector_flow_normalises_the_first_batch_towards_the_base()
    {
        var data = (DeviceRandom.Normal(new long[] { 256, 3 }, torch.float64, Device.Cpu, Seed.Generator(0)) * torch.tensor(new[] { 5.0, 0.1, 2.0 }, dtype: torch.float64)) + 7;
        var spec = Flow.Over(Dist.StandardNormal(3)).Then(Bij.ActNorm());
        using var flow = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        flow.LogProb(data); // the first batch initialises
        var z = flow.BaseToData().InverseAndLogDet(data).Value;
        Assert.True(z.mean(new long[] { 0 }).abs().max().item<double>() < 1e-9);
        Assert.True((z.std(0) - 1).abs().max().item<double>() < 0.01);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
    }

    [Fact]
    public void BatchNorm_in_an_image_flow_normalises_each_channel_towards_the_base_while_training()
    {
        var spec = ImageFlow.Over(2, 2, 2).Then(Bij.BatchNorm(momentum: 1));
        using var flow = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        flow.CheckValues = false;
        var x = DeviceRandom.Normal(new long[] { 64, 2, 2, 2 }, torch.float64, Device.Cpu, Seed.Generator(1)) * 3 + 1;
        var z = flow.DataToBase().ForwardAndLogDet(x).Value.reshape(64, 2, 4);
        Assert.True(z.mean(new long[] { 0, 2 }).abs().max().item<double>() < 1e-9);
        var read = SpecJson.FromJson<FlowSpec>(spec.ToJson());
        Assert.Equal(spec, read);
    }

    [Fact]
    public void A_step_that_does_not_fit_the_events_is_refused_naming_the_path()
    {
        var squeeze = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(4)).Then(ImageBij.Squeeze()));
        Assert.Contains("flow.steps[0]", squeeze.Message);
        Assert.Contains("image events [C, H, W]", squeeze.Message);
        var factorOut = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(4)).Then(ImageBij.FactorOut()));
        Assert.Contains("flow.steps[0]", factorOut.Message);
        var coupling = Assert.Throws<GenShapeException>(() => ImageFlow.Over(1, 4, 4).Then(ImageBij.Squeeze()).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8))));
        Assert.Contains("flow.steps[1]", coupling.Message);
        Assert.Contains("vector events [features]", coupling.Message);
        Assert.Contains("[4, 2, 2]", coupling.Message);
    }

    [Fact]
    public void An_image_flow_with_vector_and_image_steps_reads_back_as_written()
    {
        var spec = SmallGlow.Then(Bij.ActNorm().Inverted()).Then(Bij.Affine()).Then(Bij.BatchNorm(0.05, 1e-4)).WithContext(3);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
    }

    // A learnable log-scale per channel of any event (the first event dimension), written outside Gen.
    private sealed record ChannelScale : BijSpec
    {
        public override void Check(string path, StepShape shape) => ArgumentNullException.ThrowIfNull(shape);

        public override BijectorModule Compile(StepShape shape) => new Module(shape.Event[0], shape.Event.Count);

        private sealed class Module : BijectorModule
        {
            private readonly Parameter logScale;
            private readonly long[] view;

            public Module(long channels, int eventRank) : base("channel_scale")
            {
                logScale = new Parameter(torch.zeros(channels));
                register_parameter(nameof(logScale), logScale);
                view = new[] { channels }.Concat(Enumerable.Repeat(1L, eventRank - 1)).ToArray();
                EventRank = eventRank;
            }

            private int EventRank { get; }

            public override IBijector Build(torch.Tensor? context) =>
                new ElementwiseAffine(torch.zeros_like(logScale).reshape(view), logScale.reshape(view), EventRank);
        }
    }
}
