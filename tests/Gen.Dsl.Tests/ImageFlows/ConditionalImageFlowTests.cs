using System;
using System.IO;
using Gen.Probability;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>
/// Image flows conditioned on a context vector: for every fixed context the flow is a bijector with the laws of the
/// unconditional one, the context reaches every coupling and changes the density, each image is scored under its own
/// context row, and the context survives JSON and checkpoints.
/// </summary>
public class ConditionalImageFlowTests
{
    private const int Classes = 3;

    public static TheoryData<string> Flows => new() { "every_step", "real_nvp", "glow", "any_map" };

    private static FlowSpec Spec(string name) => (name switch
    {
        "every_step" => ImageFlowModels.EveryStep(),
        "real_nvp" => ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1),
        "glow" => ImageFlow.Glow(1, 4, 4, levels: 2, stepsPerLevel: 2, hidden: 4).WithPreprocessing(ImagePreprocessing.Logit(256, 0.01)),
        "any_map" => ImageFlowModels.AnyMap(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    }).WithContext(Classes);

    /// <summary>One context row per image: random, not one-hot, so every context channel carries a value.</summary>
    private static torch.Tensor Contexts(long rows, long seed)
    {
        using var g = Seed.Generator(seed);
        return torch.randn(new[] { rows, (long)Classes }, dtype: torch.float64, generator: g);
    }

    private static FlowModel Trained(FlowSpec spec)
    {
        // ImageFlowModels.Trained initialises ActNorm through the unconditional LogProb, so do it here with a context.
        var model = spec.Compile(Device.Cpu, torch.float64, seed: 3);
        Checkpoints.CheckpointModels.Perturb(model, 4);
        using var init = ImageFlowModels.Pixels(32, spec.EventShape, torch.float64, 5);
        using var c = Contexts(32, 6);
        using var noGrad = torch.no_grad();
        using var lp = model.LogProb(init, c);
        return model;
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void For_a_fixed_context_the_flow_obeys_the_bijector_laws(string name)
    {
        using var model = Trained(Spec(name));
        using var x = ImageFlowModels.Pixels(3, model.Spec.EventShape, torch.float64, 9);
        using var c = Contexts(3, 10);
        var bijector = model.DataToBase(c);
        BijectorLaws.LogDetMatchesJacobian(bijector, x, 1e-8);
        BijectorLaws.RoundTrips(bijector, x, 1e-8);
        BijectorLaws.InverseLogDetIsNegated(bijector, x, 1e-8);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Each_image_is_scored_under_its_own_context_row_and_the_context_changes_the_density(string name)
    {
        using var model = Trained(Spec(name));
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(4, model.Spec.EventShape, torch.float64, 11);
        var c = Contexts(4, 12);
        var batched = model.LogProb(x, c);
        Assert.Equal(new long[] { 4 }, batched.shape);
        for (int i = 0; i < 4; i++)
        {
            var alone = model.LogProb(x[i..(i + 1)], c[i]);
            Assert.True(alone.allclose(batched[i..(i + 1)], rtol: 0, atol: 1e-9), $"image {i}: scored alone {alone.item<double>()} vs in the batch {batched[i].item<double>()}");
        }

        var other = model.LogProb(x, c.flip(0));
        Assert.True((other - batched).abs().min().item<double>() > 1e-6, "another context must give another density for every image");

        // The change of variables holds given the context too.
        var z = model.DataToBase(c).ForwardAndLogDet(x);
        var expected = (-0.5 * z.Value.square() - 0.5 * Math.Log(2 * Math.PI)).sum(dim: -1) + z.LogDet;
        Assert.True(batched.allclose(expected, rtol: 0, atol: 1e-9));
        Assert.True(model.Distribution(c).LogProb(x).allclose(expected, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void A_fresh_conditional_flow_is_the_unconditional_one_until_it_learns()
    {
        // Zero-initialised output convolutions: at compile time every coupling is the identity whatever the context,
        // so the conditional and unconditional flows compiled with the same seed score alike.
        using var scope = torch.NewDisposeScope();
        var spec = ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1);
        using var conditional = spec.WithContext(Classes).Compile(Device.Cpu, torch.float64, seed: 1);
        using var plain = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        var x = ImageFlowModels.Pixels(3, spec.EventShape, torch.float64, 2);
        Assert.True(conditional.LogProb(x, Contexts(3, 3)).allclose(plain.LogProb(x), rtol: 0, atol: 1e-10));
    }

    [Fact]
    public void Samples_follow_their_context_rows_and_are_reproducible()
    {
        using var model = Trained(Spec("glow"));
        using var scope = torch.NewDisposeScope();
        var one = Contexts(1, 13)[0];
        var single = model.Sample(5, one, Seed.Generator(1));
        Assert.Equal(new long[] { 5, 1, 4, 4 }, single.shape);
        Assert.True(single.equal(model.Sample(5, one, Seed.Generator(1))).all().item<bool>());

        // The same base draws under one context per row: row i equals the draw under context row i alone. Given the
        // rows, the flow is one distribution per row (batch shape [5]), drawn once.
        var rows = Contexts(5, 14);
        var perRow = model.Sample(5, rows, Seed.Generator(2));
        Assert.Equal(new long[] { 5 }, model.Distribution(rows).BatchShape);
        var z = model.Distribution(rows).Sample(System.Array.Empty<long>(), Seed.Generator(2));
        Assert.True(perRow.allclose(z, rtol: 0, atol: 1e-12));
        var firstAlone = model.Distribution(rows[0]).Sample(new long[] { 5 }, Seed.Generator(2))[0];
        Assert.True(perRow[0].allclose(firstAlone, rtol: 1e-9, atol: 1e-9));
        Assert.True(torch.isfinite(model.LogProb(perRow, rows)).all().item<bool>());
    }

    [Fact]
    public void Dequantised_scores_take_the_context()
    {
        using var model = Trained(Spec("real_nvp"));
        using var scope = torch.NewDisposeScope();
        var pixels = ImageFlowModels.Pixels(4, model.Spec.EventShape, torch.float64, 15).floor();
        var c = Contexts(4, 16);
        var noise = DeviceRandom.Uniform(pixels.shape, pixels.dtype, pixels.device, Seed.Generator(7));
        Assert.True(model.LogProbDequantized(pixels, c, Seed.Generator(7)).allclose(model.LogProb(pixels + noise, c), rtol: 0, atol: 1e-10));
    }

    [Fact]
    public void The_context_is_checked_before_any_computation()
    {
        using var model = Trained(Spec("real_nvp"));
        using var plain = ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1).Compile(Device.Cpu, torch.float64);
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(2, model.Spec.EventShape, torch.float64, 17);

        Rejects<GenShapeException>(() => model.LogProb(x), "flow.context", "none was given", "[3]");
        Rejects<GenShapeException>(() => model.Sample(2), "flow.context", "none was given");
        Rejects<GenShapeException>(() => model.LogProb(x, Contexts(2, 1)[.., ..2]), "flow.context", "[3] or [batch, 3]", "[2, 2]");
        Rejects<GenShapeException>(() => model.LogProb(x, Contexts(3, 1)), "flow.context", "does not match the data", "[3, 3]", "[2, 1, 4, 4]");
        Rejects<GenShapeException>(() => model.Sample(4, Contexts(3, 1)), "flow.context", "does not match the sample count", "[4]");
        Rejects<ArgumentException>(() => model.LogProb(x, Contexts(2, 1).to(torch.float32)), "flow.context", "Float64", "Float32");
        Rejects<GenShapeException>(() => plain.LogProb(x, Contexts(2, 1)), "flow.context", "takes no context", "FlowSpec.WithContext");
        Rejects<GenShapeException>(() => ImageFlow.Glow(1, 4, 4, 1, 1, 4).WithContext(0), "flow.context", "positive", "0");
    }

    [Fact]
    public void The_context_width_prints_compares_and_survives_json_and_checkpoints()
    {
        var spec = Spec("every_step");
        Assert.StartsWith("Flow from data [2, 4, 4] to base given context [3], preprocessing:", spec.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(spec, ImageFlowModels.EveryStep());
        Assert.NotEqual(spec, ImageFlowModels.EveryStep().WithContext(4));
        Assert.Equal(spec, ImageFlowModels.EveryStep().WithContext(Classes));

        var json = spec.ToJson();
        Assert.Contains("\"context\": 3", json, StringComparison.Ordinal);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(json));
        Assert.DoesNotContain("\"context\"", ImageFlowModels.EveryStep().ToJson(), StringComparison.Ordinal);

        using var model = Trained(spec);
        var path = Path.Combine(Path.GetTempPath(), $"gen-conditional-image-flow-{Guid.NewGuid():N}.gen");
        try
        {
            Model.Save(path, model);
            using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
            using var scope = torch.NewDisposeScope();
            var x = ImageFlowModels.Pixels(3, spec.EventShape, torch.float64, 18);
            var c = Contexts(3, 19);
            Assert.Equal(spec, loaded.Spec);
            Assert.True(loaded.LogProb(x, c).equal(model.LogProb(x, c)).all().item<bool>(), "the loaded model must score bit for bit as the saved one");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Rejects<TException>(Action action, params string[] fragments)
        where TException : Exception
    {
        var e = Assert.ThrowsAny<TException>(action);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        }
    }
}
