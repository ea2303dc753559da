using System;
using System.Linq;
using Gen.Probability;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>
/// Steps turned round at the spec level: an inverted step maps as the inner step's inverse with the same weights,
/// inverting twice gives the step back as a value, and the inversion prints, reads back from JSON and is checked.
/// </summary>
public class InvertedStepTests
{
    public static TheoryData<string> Steps => new() { "affine_coupling", "spline_coupling", "maf", "iaf", "planar", "radial", "affine" };

    private static BijSpec Step(string name) => name switch
    {
        "affine_coupling" => Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)),
        "spline_coupling" => Bij.SplineCoupling(Mask.Alternating(4), Net.Mlp(8)),
        "maf" => Bij.MaskedAutoregressive(8),
        "iaf" => Bij.InverseAutoregressive(8),
        "planar" => Bij.Planar(),
        "radial" => Bij.Radial(),
        "affine" => Bij.Affine(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void An_inverted_step_maps_as_the_inverse_of_the_step_with_the_same_weights(string name)
    {
        var step = Step(name);
        using var plain = Flow.Over(Dist.StandardNormal(4)).Then(step).Compile(Device.Cpu, torch.float64, seed: 1);
        using var inverted = Flow.Over(Dist.StandardNormal(4)).Then(step.Inverted()).Compile(Device.Cpu, torch.float64, seed: 2);
        Checkpoints.CheckpointModels.Perturb(plain, 3);

        // The same weights under the inverted step's names (steps.0.x becomes steps.0.inner.x).
        var weights = plain.state_dict();
        using (torch.no_grad())
        {
            foreach (var (key, value) in inverted.state_dict())
            {
                value.copy_(weights[key.Replace("steps.0.inner.", "steps.0.", StringComparison.Ordinal)]);
            }
        }

        using var scope = torch.NewDisposeScope();
        using var g = Seed.Generator(4);
        var z = torch.randn(new long[] { 5, 4 }, dtype: torch.float64, generator: g);
        var forward = plain.BaseToData().ForwardAndLogDet(z);
        var back = inverted.BaseToData().InverseAndLogDet(z);
        Assert.True(back.Value.allclose(forward.Value, rtol: 1e-9, atol: 1e-9), $"{name}: inverted(step)⁻¹ must be the step");
        Assert.True(back.LogDet.allclose(forward.LogDet, rtol: 1e-9, atol: 1e-9), $"{name}: inverted(step)⁻¹ has the step's log-det");
        var there = inverted.BaseToData().ForwardAndLogDet(forward.Value);
        Assert.True(there.Value.allclose(z, rtol: 1e-8, atol: 1e-8), $"{name}: inverted(step) must undo the step");
        Assert.True(there.LogDet.allclose(-forward.LogDet, rtol: 1e-8, atol: 1e-8), $"{name}: inverted(step) has the step's log-det negated");
        Gen.Testing.BijectorLaws.LogDetMatchesJacobian(inverted.BaseToData(), z, 1e-7);
    }

    [Fact]
    public void Inverting_twice_gives_the_step_back_and_the_inversion_prints_and_round_trips()
    {
        var planar = Bij.Planar();
        Assert.Equal(planar, planar.Inverted().Inverted());
        Assert.Same(planar, planar.Inverted().Inverted());
        Assert.Equal(new InvertedSpec(planar), planar.Inverted());
        Assert.NotEqual<BijSpec>(planar, planar.Inverted());

        var flow = Flow.Over(Dist.StandardNormal(4)).Then(Bij.Planar().Inverted()).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)).Inverted());
        Assert.Contains("Inverted(Planar)", flow.ToString(), StringComparison.Ordinal);
        var json = flow.ToJson();
        Assert.Contains("\"type\": \"inverted\"", json, StringComparison.Ordinal);
        Assert.Equal(flow, SpecJson.FromJson<FlowSpec>(json));
        using var model = flow.Compile(Device.Cpu, seed: 0);
        Assert.Contains(model.state_dict().Keys, k => k.StartsWith("steps.1.inner.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_inverted_step_is_checked_like_its_inner_step()
    {
        var e = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(3)).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)).Inverted()));
        Assert.Contains("flow.steps[0].inner.mask", e.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(3)).Then(new InvertedSpec(null!)));
        Assert.Contains("flow.steps[0].inner", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inverted_planar_step_scores_data_in_closed_form_and_passes_the_context_on()
    {
        // Conditional: the inverted coupling's network reads the context as the coupling's would.
        var flow = Flow.Over(Dist.StandardNormal(2)).WithContext(3).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(8)).Inverted()).Then(Bij.Planar().Inverted());
        using var model = flow.Compile(Device.Cpu, torch.float64, seed: 5);
        Checkpoints.CheckpointModels.Perturb(model, 6);
        using var scope = torch.NewDisposeScope();
        using var g = Seed.Generator(7);
        var x = torch.randn(new long[] { 4, 2 }, dtype: torch.float64, generator: g);
        var c = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
        var lp = model.LogProb(x, c);
        Assert.True(torch.isfinite(lp).all().item<bool>());
        Assert.False(lp.allclose(model.LogProb(x, c.flip(0)), rtol: 1e-6, atol: 1e-6), "the context must reach the inverted coupling");
        Gen.Testing.DistributionLaws.SampleAndLogProbAgrees(model.Distribution(c), 8, 1e-7, g);
    }
}
