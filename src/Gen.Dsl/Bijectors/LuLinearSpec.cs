using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A learnable invertible linear map of the features in LU form (<see cref="LuLinear"/>; Kingma and Dhariwal's
/// invertible 1x1 convolution for vectors), W = P·L·(U + diag(s·exp(d))), with a fixed random permutation P from
/// <see cref="Seed"/>. It starts at that permutation (L = I, U = 0, d = 0, s = 1), so a fresh step only reorders the
/// features; trained, it mixes every feature with every other, which permutations between couplings cannot.
/// </summary>
/// <param name="Seed">The seed of the fixed permutation.</param>
public sealed record LuLinearSpec(int Seed) : BijSpec
{
    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(shape.Features, Seed);

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        budget.Width(path, shape.Features);
        budget.Add(path, (2 * (Int128)shape.Features * shape.Features) + shape.Features);
        budget.Buffer($"{path}.sign", shape.Features);
    }

    /// <inheritdoc/>
    public override string ToString() => $"LuLinear(seed: {Seed})";

    private sealed class Module : BijectorModule
    {
        private readonly long[] permutation;
        private readonly Parameter lower;
        private readonly Parameter upper;
        private readonly Parameter logDiagonal;
        private readonly torch.Tensor sign;

        public Module(long features, int seed) : base("lu_linear")
        {
            permutation = Permutation.Random(checked((int)features), seed).Order;
            lower = new Parameter(torch.zeros(features, features));
            upper = new Parameter(torch.zeros(features, features));
            logDiagonal = new Parameter(torch.zeros(features));
            sign = torch.ones(features);
            // Each under its field's name: TorchSharp re-binds fields by name when the module moves or changes dtype.
            register_parameter(nameof(lower), lower);
            register_parameter(nameof(upper), upper);
            register_parameter(nameof(logDiagonal), logDiagonal);
            register_buffer(nameof(sign), sign);
        }

        // LuLinear reads only the strict triangles of lower and upper; the other entries get no gradient and stay at zero.
        public override IBijector Build(torch.Tensor? context) => new LuLinear(permutation, lower, upper, logDiagonal, sign);
    }
}
