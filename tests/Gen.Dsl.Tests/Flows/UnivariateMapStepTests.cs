using System.Linq;
using Gen.Probability.Bijectors;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>
/// One coupling step and one autoregressive step over univariate maps: the documents written before couplings took a
/// map still read, mean what they meant and are written back byte for byte; new combinations have their own form.
/// </summary>
public sealed class UnivariateMapStepTests
{
    private const string AffineDocument = """{"version": 1, "spec": {"type": "flow", "base": {"type": "standard_normal", "features": 4}, "steps": [{"type": "affine_coupling", "mask": {"features": 4, "odd": false, "halves": false}, "net": {"hidden": [8], "activation": "relu"}, "additive": false}, {"type": "affine_coupling", "mask": {"features": 4, "odd": true, "halves": false}, "net": {"hidden": [8], "activation": "relu"}, "additive": true}]}}""";

    private const string SplineDocument = """{"version": 1, "spec": {"type": "flow", "base": {"type": "standard_normal", "features": 4}, "steps": [{"type": "spline_coupling", "mask": {"features": 4, "odd": false, "halves": false}, "net": {"hidden": [8], "activation": "relu"}, "bins": 5, "bound": 3.5}]}}""";

    private const string MafDocument = """{"version": 1, "spec": {"type": "flow", "base": {"type": "standard_normal", "features": 4}, "steps": [{"type": "masked_autoregressive", "hidden": [8], "inverse": false, "order": {"type": "natural"}, "degrees": {"type": "random", "seed": 0}, "activation": "relu"}]}}""";

    private static string Compact(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString();

    [Theory]
    [InlineData(AffineDocument)]
    [InlineData(SplineDocument)]
    [InlineData(MafDocument)]
    public void Documents_of_the_earlier_step_types_read_and_are_written_back_unchanged(string document)
    {
        var spec = SpecJson.FromJson<FlowSpec>(document);
        Assert.Equal(Compact(document), Compact(spec.ToJson()));
    }

    [Fact]
    public void The_earlier_forms_mean_the_maps_they_always_meant()
    {
        var affine = SpecJson.FromJson<FlowSpec>(AffineDocument);
        Assert.Equal(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)), affine.Steps[0]);
        Assert.Equal(Bij.AdditiveCoupling(Mask.Alternating(4, odd: true), Net.Mlp(8)), affine.Steps[1]);
        var maf = SpecJson.FromJson<FlowSpec>(MafDocument);
        Assert.Equal(Bij.MaskedAutoregressive(8), maf.Steps[0]);
        Assert.Equal(new AffineMap(AffineScale.Softplus), ((MaskedAutoregressiveSpec)maf.Steps[0]).Map);
    }

    [Fact]
    public void An_earlier_spline_coupling_reads_its_network_outputs_feature_by_feature_as_it_always_did()
    {
        // The old layout: the network's D·(3K − 1) outputs are D groups of 3K − 1 (widths, heights, derivatives).
        var legacy = SpecJson.FromJson<FlowSpec>(SplineDocument);
        using var model = legacy.Compile(Device.Cpu, torch.float64, seed: 0);
        using var g = Seed.Generator(1);
        using (torch.no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.add_(0.3 * torch.randn(p.shape, dtype: p.dtype, generator: g));
            }
        }

        var net = model.named_modules().Single(m => m.name == "steps.0.net").module as torch.nn.Module<torch.Tensor, torch.Tensor>;
        var mask = torch.tensor(new double[] { 1, 0, 1, 0 });
        var reference = new SplineCoupling(mask, kept =>
        {
            var p = net!.forward(kept).reshape(kept.shape[0], 4, 14);
            return new SplineParameters(p.narrow(-1, 0, 5), p.narrow(-1, 5, 5), p.narrow(-1, 10, 4));
        }, 3.5);
        var x = torch.randn(new long[] { 16, 4 }, dtype: torch.float64, generator: g);
        var expected = reference.ForwardAndLogDet(x);
        var actual = model.BaseToData().ForwardAndLogDet(x);
        Assert.True(actual.Value.allclose(expected.Value, 1e-12, 1e-12));
        Assert.True(actual.LogDet.allclose(expected.LogDet, 1e-12, 1e-12));

        // A spline coupling made in code today groups the outputs by parameter, and is written as a generic coupling.
        var today = Bij.SplineCoupling(Mask.Alternating(4), Net.Mlp(8), bins: 5, bound: 3.5);
        Assert.NotEqual(today, legacy.Steps[0]);
        var json = Flow.Over(Dist.StandardNormal(4)).Then(today).ToJson();
        Assert.Contains("\"type\": \"coupling\"", json);
        Assert.Equal(today, SpecJson.FromJson<FlowSpec>(json).Steps[0]);
    }

    [Fact]
    public void Every_map_goes_into_couplings_and_autoregressive_steps_and_round_trips()
    {
        UnivariateMap[] maps = { Univariate.Affine(), Univariate.Affine(AffineScale.Tanh), Univariate.Shift(), Univariate.Spline(4, 2.0) };
        foreach (var map in maps)
        {
            var spec = Flow.Over(Dist.StandardNormal(3))
                .Then(Bij.Coupling(Mask.Alternating(3), Net.Mlp(8), map))
                .Then(Bij.MaskedAutoregressive(map, 8))
                .Then(Bij.InverseAutoregressive(8).WithMap(map));
            Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
            using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
            var x = torch.randn(new long[] { 5, 3 }, dtype: torch.float64);
            var standard = (-0.5 * x.square() - 0.5 * System.Math.Log(2 * System.Math.PI)).sum(-1);
            Assert.True(model.LogProb(x).allclose(standard, 1e-12, 1e-12), $"a fresh flow over {map} is its base");
        }
    }

    [Fact]
    public void Bad_maps_are_named_where_they_sit()
    {
        Assert.Equal("coupling.map.bins", Assert.Throws<GenShapeException>(() => Bij.Coupling(Mask.Alternating(2), Net.Mlp(4), new SplineMap(1, 3))).Node);
        Assert.Equal("maf.map.bound", Assert.Throws<GenShapeException>(() => Bij.MaskedAutoregressive(new SplineMap(4, double.NaN), 4)).Node);
        Assert.Equal("affine_map.scale", Assert.Throws<GenShapeException>(() => Univariate.Affine((AffineScale)7)).Node);
        var wrongWidth = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(3)).Then(Bij.Coupling(Mask.Alternating(4), Net.Mlp(4), Univariate.Shift())));
        Assert.Equal("flow.steps[0].mask", wrongWidth.Node);
    }
}
