using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Gen.Dsl.Tests.Checkpoints;
using Gen.Testing;
using TorchSharp;

using FsGen = FsCheck.Fluent.Gen;

namespace Gen.Dsl.Tests.Laws;

/// <summary>
/// The laws of Gen.Testing over compiled models nobody wrote by hand: random well-formed specs (random chains of
/// bijectors over random event sizes, random networks, conditional or not; random multi-scale image flows) are
/// compiled in float64 with perturbed weights, and their bijectors and distributions must obey the laws.
/// </summary>
public sealed class RandomSpecLawTests
{
    private const double Tolerance = 1e-7;

    // FsCheck's own integers stay small and repeat; seeds over the whole range give a new spec in every case.
    private static Arbitrary<int> Seeds => FsGen.Choose(0, int.MaxValue).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property Random_flows_obey_the_bijector_and_distribution_laws() =>
        Prop.ForAll(Seeds, seed =>
        {
            var spec = RandomSpecs.Flow(new Random(seed));
            using var model = Perturbed(spec.Compile(Device.Cpu, torch.float64, seed: seed), seed);
            using var scope = torch.NewDisposeScope();
            using var g = Seed.Generator(seed);
            var context = Context(spec.ContextFeatures, 3, g);
            var z = torch.randn(new[] { 3L, spec.Features }, dtype: torch.float64, generator: g);

            var bijector = model.BaseToData(context);
            BijectorLaws.RoundTrips(bijector, z, Tolerance);
            BijectorLaws.LogDetMatchesJacobian(bijector, z, Tolerance);
            BijectorLaws.InverseLogDetIsNegated(bijector, z, Tolerance);
            DistributionLaws.SampleAndLogProbAgrees(model.Distribution(context), 4, Tolerance, g);
        });

    [Property(MaxTest = 120)]
    public Property Random_image_flows_obey_the_bijector_laws_from_pixels_to_the_base() =>
        Prop.ForAll(Seeds, seed =>
        {
            var spec = RandomSpecs.ImageFlow(new Random(seed));
            using var model = Perturbed(spec.Compile(Device.Cpu, torch.float64, seed: seed), seed);
            using var scope = torch.NewDisposeScope();
            using var g = Seed.Generator(seed);
            var context = Context(spec.ContextFeatures, 2, g);
            var x = Pixels(spec, 2, g);
            using (torch.no_grad())
            {
                _ = model.LogProb(x, context); // ActNorm's data-dependent initialisation
            }

            var bijector = model.DataToBase(context);
            BijectorLaws.RoundTrips(bijector, x, Tolerance);
            BijectorLaws.LogDetMatchesJacobian(bijector, x, Tolerance);
            BijectorLaws.InverseLogDetIsNegated(bijector, x, Tolerance);
        });

    /// <summary>
    /// The model with every weight moved, so that zero-initialised layers are not the identity, in evaluation mode: a
    /// network with batch normalisation makes each example depend on its batch in training mode, where a flow is no
    /// exact bijection of one example.
    /// </summary>
    private static TModel Perturbed<TModel>(TModel model, long seed)
        where TModel : torch.nn.Module
    {
        CheckpointModels.Perturb(model, seed);
        model.eval();
        return model;
    }

    /// <summary>One random context row per point, or none for an unconditional model.</summary>
    private static torch.Tensor? Context(int width, long rows, torch.Generator g) =>
        width > 0 ? torch.randn(new[] { rows, width }, dtype: torch.float64, generator: g) : null;

    /// <summary>Points inside pixel space [0, K) away from its edges, or standard normal values without preprocessing.</summary>
    private static torch.Tensor Pixels(FlowSpec spec, long batch, torch.Generator g)
    {
        var shape = new[] { batch }.Concat(spec.EventShape).ToArray();
        return spec.Preprocessing.Kind == ImagePreprocessingKind.None
            ? torch.randn(shape, dtype: torch.float64, generator: g)
            : spec.Preprocessing.Levels * (0.05 + (0.9 * torch.rand(shape, dtype: torch.float64, generator: g)));
    }
}
