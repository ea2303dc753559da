using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using Gen.Data;
using Gen.Probability;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>MAF and IAF layers as flow steps: laws in float64, triangular Jacobians, cost per direction, and training.</summary>
public class AutoregressiveFlowTests
{
    private static MaskedAutoregressiveSpec Layer(bool inverse, params int[] hidden) =>
        inverse ? Bij.InverseAutoregressive(hidden) : Bij.MaskedAutoregressive(hidden);

    private static FlowModel Compiled(FlowSpec spec, int seed)
    {
        var model = spec.Compile(Device.Cpu, torch.float64, seed);
        // Off the identity initialisation, so the laws are not checked at a trivial point.
        DensityChecks.Perturb(model, 0.3, seed + 1);
        return model;
    }

    private static IBijector Bijector(FlowModel model) => ((TransformedDistribution)model.Distribution()).Bijector;

    [Fact]
    public void Specs_print_compare_and_start_at_the_identity()
    {
        var spec = Flow.Over(Dist.StandardNormal(3))
            .Then(Bij.MaskedAutoregressive(8, 8).WithOrder(InputOrder.Reversed))
            .Then(Bij.InverseAutoregressive(8).WithDegrees(HiddenDegrees.Even).WithActivation(Activation.Tanh));
        Assert.Equal(spec, Flow.Over(Dist.StandardNormal(3)).Then(Bij.MaskedAutoregressive(8, 8).WithOrder(InputOrder.Reversed))
            .Then(Bij.InverseAutoregressive(8).WithDegrees(HiddenDegrees.Even).WithActivation(Activation.Tanh)));
        var text = spec.ToString();
        Assert.Contains("[0] MaskedAutoregressive(hidden: [8, 8], order: reversed, degrees: random(seed: 0); relu)", text);
        Assert.Contains("[1] InverseAutoregressive(hidden: [8], order: natural, degrees: even; tanh)", text);

        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var x = torch.randn(new long[] { 5, 3 }, dtype: torch.float64, generator: Seed.Generator(0));
        var standard = new Independent(new Normal(torch.zeros(3, dtype: torch.float64), torch.ones(3, dtype: torch.float64)), 1);
        Assert.True(model.LogProb(x).allclose(standard.LogProb(x), 1e-12, 1e-12));
    }

    [Fact]
    public void Bad_layers_are_rejected_naming_the_step()
    {
        Assert.Equal("maf.hidden", Assert.Throws<GenShapeException>(() => Bij.MaskedAutoregressive()).Node);
        Assert.Equal("iaf.hidden[0]", Assert.Throws<GenShapeException>(() => Bij.InverseAutoregressive(-1)).Node);
        var e = Assert.Throws<GenShapeException>(() =>
            Flow.Over(Dist.StandardNormal(4)).Then(Bij.Reverse()).Then(Bij.MaskedAutoregressive(8).WithOrder(InputOrder.Given(1, 0, 2))));
        Assert.Equal("flow.steps[1].order", e.Node);
    }

    [Property(MaxTest = 12)]
    public void Compiled_layers_satisfy_the_bijector_laws_in_float64(PositiveInt d, bool inverse, int seed, NonNegativeInt orderKind)
    {
        using var scope = torch.NewDisposeScope();
        int features = 1 + (d.Get % 5);
        var order = (orderKind.Get % 3) switch { 0 => InputOrder.Natural, 1 => InputOrder.Reversed, _ => InputOrder.Random(seed) };
        var spec = Flow.Over(Dist.StandardNormal(features)).Then(Layer(inverse, 8, 8).WithOrder(order)).Then(Bij.Reverse()).Then(Layer(!inverse, 8));
        using var model = Compiled(spec, seed);
        var x = torch.randn(new long[] { 3, features }, dtype: torch.float64, generator: Seed.Generator(seed));
        BijectorLaws.All(Bijector(model), x, 1e-7);
        var s = model.SampleAndLogProb(4, Seed.Generator(seed + 2));
        Assert.True(s.LogProb.allclose(model.LogProb(s.Value), 1e-8, 1e-8));
    }

    [Property(MaxTest = 12)]
    public void A_compiled_layer_has_a_triangular_jacobian_in_its_order(PositiveInt d, bool inverse, int seed)
    {
        using var scope = torch.NewDisposeScope();
        int features = 2 + (d.Get % 5);
        var order = InputOrder.Random(seed);
        using var model = Compiled(Flow.Over(Dist.StandardNormal(features)).Then(Layer(inverse, 10).WithDegrees(HiddenDegrees.Even).WithActivation(Activation.Tanh)), seed);
        var f = Bijector(model);
        var x = torch.randn(new long[] { 2, features }, dtype: torch.float64, generator: Seed.Generator(seed));
        torch.Tensor Jacobian(Func<torch.Tensor, torch.Tensor> map, long[] positions)
        {
            var input = x.clone().requires_grad_(true);
            var y = map(input);
            var rows = Enumerable.Range(0, features).Select(i => torch.autograd.grad(new[] { y[.., i].sum() }, new[] { input }, retain_graph: true)[0]);
            var o = torch.tensor(positions);
            return torch.stack(rows.ToArray(), 1).index_select(1, o).index_select(2, o);
        }

        var below = torch.ones(features, features).tril(-1).to(torch.@bool);
        foreach (var map in new Func<torch.Tensor, torch.Tensor>[] { f.Forward, f.Inverse })
        {
            var j = Jacobian(map, InputOrder.Natural.For(features));
            Assert.True(j.triu(1).abs().max().item<double>() == 0);
            // Even degrees in a layer of width ≥ D − 1: every entry below the diagonal is in play.
            Assert.True(j.abs().sum(dim: 0).masked_select(below).min().item<double>() > 0);
        }

        // The same layer in a random order is triangular in that order.
        using var shuffled = Compiled(Flow.Over(Dist.StandardNormal(features)).Then(Layer(inverse, 10).WithOrder(order)), seed);
        Assert.True(Jacobian(Bijector(shuffled).Forward, order.For(features)).triu(1).abs().max().item<double>() == 0);
    }

    [Fact]
    public void Maf_learns_the_digits_better_than_a_per_pixel_gaussian()
    {
        // Real data, fixed seeds: two MAF layers trained for 200 steps beat by 10 nats the best independent
        // Gaussian per pixel (fitted in closed form) on held-out dequantised digits.
        Seed.Everything(0);
        var pixels = Digits.Load(Device.Cpu).Images;
        var noise = Seed.Generator(0);
        var data = (pixels + torch.rand(pixels.shape, generator: noise)) / 17f;
        var split = DataSplit.Shuffled(data, 0.25, seed: 0);
        var gaussian = new Independent(new Normal(split.Train.mean(new long[] { 0 }), split.Train.std(0, keepdim: false)), 1);
        var gaussianNll = -gaussian.LogProb(split.Test).mean().item<float>();

        using var model = Flow.Over(Dist.StandardNormal(64))
            .Then(Bij.MaskedAutoregressive(64))
            .Then(Bij.Reverse())
            .Repeat(2)
            .Then(Bij.Affine())
            .Compile(Device.Cpu, seed: 0);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 3e-3);
        for (int step = 0; step < 200; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = split.Train.index_select(0, torch.randint(split.Train.shape[0], new long[] { 128 }, generator: noise));
            var loss = -model.LogProb(batch).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        float nll;
        using (torch.no_grad())
        {
            nll = -model.LogProb(split.Test).mean().item<float>();
        }

        Assert.True(float.IsFinite(nll));
        Assert.True(nll < gaussianNll - 10, $"MAF test NLL {nll:F2} nats should beat the per-pixel Gaussian's {gaussianNll:F2} by 10 nats");
    }
}
