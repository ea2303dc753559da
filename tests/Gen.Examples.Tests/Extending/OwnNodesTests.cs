using System;
using System.IO;
using System.Linq;
using Gen.Data;
using Gen.Dsl;
using Gen.Examples.Extending;
using Gen.Optimization;
using Gen.Probability;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Examples.Tests.Extending;

/// <summary>
/// A univariate map and a flow step written outside the library (this assembly sees only Gen's public surface) go into
/// couplings, MAF and IAF layers, obey the bijector laws, train, and save and load through JSON once registered.
/// </summary>
public sealed class OwnNodesTests
{
    private static FlowSpec OwnFlow(int features) =>
        Flow.Over(Dist.StandardNormal(features))
            .Then(Bij.Coupling(Mask.Alternating(features), Net.Mlp(16), new SinhArcsinhMap()))
            .Then(Bij.MaskedAutoregressive(new SinhArcsinhMap(), 16))
            .Then(new HouseholderStep(Reflections: 2))
            .Then(Bij.InverseAutoregressive(new SinhArcsinhMap(), 16));

    private static void Perturb(torch.nn.Module model, long seed, double size = 0.3)
    {
        using var g = Seed.Generator(seed);
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            p.add_(size * torch.randn(p.shape, dtype: p.dtype, generator: g));
        }
    }

    [Fact]
    public void The_map_alone_obeys_the_laws_for_any_parameters()
    {
        using var g = Seed.Generator(3);
        var parameters = torch.randn(new long[] { 64, 3, 2 }, dtype: torch.float64, generator: g);
        var x = 3 * torch.randn(new long[] { 64, 3 }, dtype: torch.float64, generator: g);
        BijectorLaws.All(new SinhArcsinhMap().Bind(parameters), x, 1e-8);
        var identity = new SinhArcsinhMap().Bind(torch.zeros(new long[] { 64, 3, 2 }, dtype: torch.float64)).ForwardAndLogDet(x);
        Assert.True(identity.Value.allclose(x, 1e-12, 1e-12));
        Assert.Equal(0, identity.LogDet.abs().max().item<double>(), 12);
    }

    [Fact]
    public void A_flow_of_own_steps_starts_at_its_base_and_obeys_the_laws_once_trained_weights_move_it()
    {
        using var model = OwnFlow(3).Compile(Device.Cpu, torch.float64, seed: 0);
        using var g = Seed.Generator(4);
        var x = torch.randn(new long[] { 32, 3 }, dtype: torch.float64, generator: g);
        var standard = (-0.5 * x.square() - 0.5 * Math.Log(2 * Math.PI)).sum(-1);
        // The Householder step is a rotation, which keeps a standard normal standard.
        Assert.True(model.LogProb(x).allclose(standard, 1e-10, 1e-10));

        // Moderate weights: a chain of sinh-arcsinh maps has tails like exp(exp(x)), and the D-pass solves of MAF and
        // IAF pass through iterates far from the solution, where large weights overflow them.
        Perturb(model, 5, size: 0.1);
        BijectorLaws.All(model.BaseToData(), x, 1e-6);
        Assert.False(model.LogProb(x).allclose(standard, 1e-3, 1e-3));
    }

    [Fact]
    public void A_flow_of_own_steps_learns_the_moons_better_than_a_gaussian()
    {
        using var g = Seed.Generator(0);
        var train = ToyData.Sample(ToySet.Moons, 2000, Device.Cpu, g);
        var test = ToyData.Sample(ToySet.Moons, 1000, Device.Cpu, g);
        var spec = Flow.Over(Dist.StandardNormal(2))
            .Then(Bij.Coupling(Mask.Alternating(2), Net.Mlp(32, 32), new SinhArcsinhMap()))
            .Then(new HouseholderStep(Reflections: 1))
            .Then(Bij.MaskedAutoregressive(new SinhArcsinhMap(), 32, 32))
            .Repeat(2);
        using var model = spec.Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(model.parameters(), learningRate: 1e-3);
        for (int step = 0; step < 900; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = train.index_select(0, DeviceRandom.Integers(2000, new long[] { 256 }, Device.Cpu, g));
            adam.ZeroGrad();
            model.LogProb(batch).mean().neg().backward();
            adam.Step();
        }

        using var noGrad = torch.no_grad();
        double nll = -model.LogProb(test).mean().item<float>();
        double gaussian = Flow2dExample.GaussianNll(train, test);
        // Sinh-arcsinh maps bend tails and skew but cannot split a mode, so they gain less on the moons than splines
        // (which beat the Gaussian by over 0.5 nats in SplineFlowTests); measured 2.80 against 3.28, and 2.73 to 2.95 over
        // compile seeds 0 to 5. (At 3e-3 the held-out NLL jumped by up to 5 nats between evaluations, and 2 in 6 runs
        // turned NaN before the map's parameters were bounded.)
        Assert.True(nll < gaussian - 0.2, $"held-out {nll:F3} nats/point against the Gaussian fit's {gaussian:F3}");
    }

    [Fact]
    public void Without_a_json_form_a_spec_names_the_fix_and_its_weights_still_save_and_load()
    {
        var spec = Flow.Over(Dist.StandardNormal(2)).Then(new UnregisteredStep()).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(8)));
        var error = Assert.Throws<InvalidOperationException>(() => spec.ToJson());
        Assert.Contains("UnregisteredStep", error.Message);
        Assert.Contains("SpecJson.Register<UnregisteredStep>", error.Message);
        Assert.Contains("Model.SaveWeights", error.Message);

        var folder = Directory.CreateTempSubdirectory("gen-own-nodes-").FullName;
        try
        {
            var path = Path.Combine(folder, "weights.ckpt");
            using var model = spec.Compile(Device.Cpu, seed: 0);
            Perturb(model, 6);
            Assert.Throws<InvalidOperationException>(() => Dsl.Model.Save(path, model));
            Assert.False(File.Exists(path));
            Dsl.Model.SaveWeights(path, model);

            using var fresh = spec.Compile(Device.Cpu, seed: 1);
            var x = torch.randn(5, 2);
            Assert.False(fresh.LogProb(x).allclose(model.LogProb(x)));
            Dsl.Model.LoadWeights(path, fresh);
            Assert.True(fresh.LogProb(x).allclose(model.LogProb(x), 0, 0));

            var noSpec = Assert.Throws<GenCheckpointException>(() => Dsl.Model.Load(path, Device.Cpu));
            Assert.Contains("Model.LoadWeights", noSpec.Message);
            Assert.Contains(path, noSpec.Message);

            using var other = Flow.Over(Dist.StandardNormal(3)).Then(new UnregisteredStep()).Compile(Device.Cpu);
            var mismatch = Assert.Throws<GenCheckpointException>(() => Dsl.Model.LoadWeights(path, other));
            Assert.Equal(CheckpointError.WeightsMismatch, mismatch.Error);
            Assert.Contains("the model given", mismatch.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Once_registered_own_nodes_round_trip_through_json_and_checkpoints()
    {
        SinhArcsinhMap.Register();
        HouseholderStep.Register();
        SinhArcsinhMap.Register(); // a second call changes nothing
        var spec = OwnFlow(3);
        var json = spec.ToJson();
        Assert.Contains("\"sinh_arcsinh\"", json);
        Assert.Contains("\"householder_example\"", json);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(json));

        var folder = Directory.CreateTempSubdirectory("gen-own-nodes-").FullName;
        try
        {
            var path = Path.Combine(folder, "own.ckpt");
            using var model = spec.Compile(Device.Cpu, seed: 0);
            Perturb(model, 7, size: 0.1);
            Dsl.Model.Save(path, model);
            using var loaded = Dsl.Model.Load<FlowModel>(path, Device.Cpu);
            var x = torch.randn(6, 3);
            Assert.Equal(spec, loaded.Spec);
            Assert.True(loaded.LogProb(x).allclose(model.LogProb(x), 0, 0));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Registration_refuses_bad_names_taken_names_and_types_that_are_not_nodes()
    {
        Assert.Throws<ArgumentException>(() => SpecJson.Register<UnregisteredStep>("Not Snake", (_, _) => { }, _ => new UnregisteredStep()));
        Assert.Throws<ArgumentException>(() => SpecJson.Register<UnregisteredStep>("", (_, _) => { }, _ => new UnregisteredStep()));
        Assert.Throws<ArgumentException>(() => SpecJson.Register<string>("text", (_, _) => { }, _ => "x"));
        var taken = Assert.Throws<InvalidOperationException>(() => SpecJson.Register<UnregisteredStep>("affine_coupling", (_, _) => { }, _ => new UnregisteredStep()));
        Assert.Contains("affine_coupling", taken.Message);
    }

    [Fact]
    public void Spline_and_own_maps_work_in_maf_and_iaf_where_sampling_agrees_with_the_density()
    {
        var spec = Flow.Over(Dist.StandardNormal(3))
            .Then(Bij.MaskedAutoregressive(Univariate.Spline(6, 3.0), 16))
            .Then(Bij.Reverse())
            .Then(Bij.InverseAutoregressive(Univariate.Spline(6, 3.0), 16));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 2);
        Perturb(model, 8);
        using var g = Seed.Generator(9);
        var x = torch.randn(new long[] { 16, 3 }, dtype: torch.float64, generator: g);
        BijectorLaws.All(model.BaseToData(), x, 1e-6);
        var drawn = model.SampleAndLogProb(16, g);
        Assert.True(drawn.LogProb.allclose(model.LogProb(drawn.Value), 1e-6, 1e-6));
    }

    [Fact]
    public void A_base_distribution_of_its_own_goes_under_a_flow_and_round_trips_once_registered()
    {
        var spec = Flow.Over(new LaplaceBase(3)).Then(Bij.AffineCoupling(Mask.Alternating(3), Net.Mlp(8)));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var x = torch.tensor(new double[,] { { 0.5, -1, 2 }, { 0, 0, 0 } });
        // A fresh coupling is the identity, so the density is the base's: Σ −|xᵢ| − log 2.
        var expected = (-x.abs() - Math.Log(2)).sum(-1);
        Assert.True(model.LogProb(x).allclose(expected, 1e-12, 1e-12));

        SpecJson.Register<LaplaceBase>("laplace_base_example", (s, o) => o["features"] = s.Features, f => new LaplaceBase(f.Int("features")));
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(spec.ToJson()));
    }

    /// <summary>A base distribution of its own: independent standard Laplace coordinates.</summary>
    private sealed record LaplaceBase(int Features) : DistSpec
    {
        public override long[] EventShape => new long[] { Features };

        public override DistributionModule Compile() => new Module(Features);

        private sealed class Module : DistributionModule
        {
            private readonly torch.Tensor loc;
            private readonly torch.Tensor scale;

            public Module(int features) : base("laplace")
            {
                loc = torch.zeros(features);
                scale = torch.ones(features);
                register_buffer(nameof(loc), loc);
                register_buffer(nameof(scale), scale);
            }

            public override IDistribution Build(torch.Tensor? context) =>
                new Gen.Probability.Distributions.Independent(new Gen.Probability.Distributions.Laplace(loc, scale), 1);
        }
    }

    /// <summary>A step with no JSON form: a learnable shift of every feature.</summary>
    private sealed record UnregisteredStep : BijSpec
    {
        public override void Check(string path, StepShape shape) => shape.VectorFeatures(path);

        public override BijectorModule Compile(StepShape shape) => new Module(shape.Features);

        private sealed class Module : BijectorModule
        {
            private readonly TorchSharp.Modules.Parameter shift;

            public Module(long features) : base("shift")
            {
                shift = new TorchSharp.Modules.Parameter(torch.zeros(features));
                register_parameter(nameof(shift), shift);
            }

            public override IBijector Build(torch.Tensor? context) =>
                new Gen.Probability.Bijectors.ElementwiseAffine(shift, torch.zeros_like(shift), eventRank: 1);
        }
    }
}
