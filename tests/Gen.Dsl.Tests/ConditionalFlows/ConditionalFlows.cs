using Gen.Dsl.Tests.Checkpoints;
using TorchSharp;

namespace Gen.Dsl.Tests.ConditionalFlows;

/// <summary>Conditional flows with every kind of step, their contexts, and data to score.</summary>
internal static class ConditionalFlows
{
    /// <summary>The context width of the flows here.</summary>
    public const int Context = 3;

    /// <summary>
    /// A flow over a conditional base with every network step (affine, additive and spline couplings, MAF, IAF) and
    /// steps without a network between them; float64-exact laws hold for it.
    /// </summary>
    public static FlowSpec Mixed(int features) => Flow.Over(Dist.ConditionalNormal(features, Context, Net.Mlp(8)))
        .Then(Bij.AffineCoupling(Mask.Alternating(features), Net.Mlp(8)))
        .Then(Bij.Reverse())
        .Then(Bij.AdditiveCoupling(Mask.Halves(features), Net.Mlp(8)))
        .Then(Bij.SplineCoupling(Mask.Alternating(features, odd: true), Net.Mlp(8), bins: 4, bound: 3))
        .Then(Bij.MaskedAutoregressive(8))
        .Then(Bij.Permute(3))
        .Then(Bij.InverseAutoregressive(8).WithOrder(InputOrder.Reversed))
        .Then(Bij.Affine());

    /// <summary>The spec compiled with a seed, its weights moved off their (partly identity) initial values.</summary>
    public static FlowModel Compiled(FlowSpec spec, torch.ScalarType dtype = torch.ScalarType.Float64, long seed = 1)
    {
        var model = spec.Compile(Device.Cpu, dtype, seed: seed);
        CheckpointModels.Perturb(model, seed + 10);
        return model;
    }

    /// <summary>A standard normal batch [rows, features] in float64.</summary>
    public static torch.Tensor Points(long rows, long features, long seed) =>
        torch.randn(new[] { rows, features }, dtype: torch.float64, generator: Seed.Generator(seed));

    /// <summary>A context [C] (one for all rows) from a seed, in float64.</summary>
    public static torch.Tensor OneContext(long seed) =>
        torch.randn(new long[] { Context }, dtype: torch.float64, generator: Seed.Generator(seed));

    /// <summary>Contexts [rows, C], one per row, in float64.</summary>
    public static torch.Tensor Contexts(long rows, long seed) =>
        torch.randn(new[] { rows, Context }, dtype: torch.float64, generator: Seed.Generator(seed));
}
