using System;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>
/// A step whose parameters are the flow's context (amortised planar and radial steps, as a VAE's posterior uses them)
/// is an ordinary conditioned step: the same map as the step with those parameters, one set per example, checked
/// against the context's width, and written as JSON.
/// </summary>
public sealed class AmortisedStepTests
{
    [Fact]
    public void An_amortised_planar_step_is_the_planar_map_with_each_rows_context_as_its_parameters()
    {
        var spec = Flow.Over(Dist.StandardNormal(3)).WithContext(7).Then(Bij.Amortised(Bij.Planar()));
        using var model = spec.Compile(Device.Cpu, torch.float64);
        Assert.Empty(model.parameters()); // the base and the step hold no weights of their own
        using var scope = torch.NewDisposeScope();
        using var g = Seed.Generator(3);
        var context = torch.randn(new long[] { 5, 7 }, dtype: torch.float64, generator: g);
        var z = torch.randn(new long[] { 5, 3 }, dtype: torch.float64, generator: g);
        var expected = new Planar(context.narrow(-1, 0, 3), context.narrow(-1, 3, 3), context.narrow(-1, 6, 1).squeeze(-1)).ForwardAndLogDet(z);
        var actual = model.BaseToData(context).ForwardAndLogDet(z);
        Assert.True(actual.Value.allclose(expected.Value, rtol: 0, atol: 1e-14));
        Assert.True(actual.LogDet.allclose(expected.LogDet, rtol: 0, atol: 1e-14));
        BijectorLaws.LogDetMatchesJacobian(model.BaseToData(context[0]), z, 1e-9);
    }

    [Fact]
    public void An_amortised_radial_step_starts_at_the_identity_at_its_identity_parameters()
    {
        var radial = Bij.Radial();
        var spec = Flow.Over(Dist.StandardNormal(4)).WithContext(6).Then(Bij.Amortised(radial));
        using var model = spec.Compile(Device.Cpu, torch.float64);
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 3, 4 }, dtype: torch.float64, generator: Seed.Generator(1));
        var identity = radial.IdentityParameters(4).to(torch.float64);
        var t = model.BaseToData(identity).ForwardAndLogDet(z);
        Assert.True(t.Value.allclose(z, rtol: 0, atol: 1e-14));
        Assert.True(t.LogDet.abs().max().item<double>() < 1e-14);
    }

    [Fact]
    public void A_context_of_another_width_or_a_step_without_amortised_parameters_is_refused()
    {
        var wide = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(3)).WithContext(5).Then(Bij.Amortised(Bij.Planar())));
        Assert.Equal("flow.steps[0].context", wide.Node);
        Assert.Contains("7 parameters", wide.Message, StringComparison.Ordinal);
        var none = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(3)).Then(Bij.Amortised(Bij.Radial())));
        Assert.Equal("flow.steps[0].context", none.Node);
        Assert.Equal("amortised", Assert.Throws<GenShapeException>(() => Bij.Amortised(Bij.Reverse())).Node);
        var constructed = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(3)).WithContext(3).Then(new AmortisedSpec(Bij.Reverse())));
        Assert.Equal("flow.steps[0]", constructed.Node);
    }

    [Fact]
    public void Amortised_steps_round_trip_through_json()
    {
        var spec = Flow.Over(Dist.StandardNormal(2)).WithContext(5).Then(Bij.Amortised(Bij.Planar())).Then(Bij.Reverse());
        var json = spec.ToJson();
        Assert.Contains("\"amortised\"", json, StringComparison.Ordinal);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(json));
    }
}
