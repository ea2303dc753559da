using System;
using Gen.Dsl;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Examples.Extending;

/// <summary>
/// A flow step written outside the library: a learnable invertible linear map of the features in LU form
/// (<see cref="LuLinear"/>; Kingma and Dhariwal's invertible 1x1 convolution for vectors), W = P·L·(U + diag(s·exp(d))),
/// with a fixed random permutation P from <see cref="Seed"/>. It starts at a permutation (L = I, U = 0, d = 0), so a
/// fresh step only reorders the features. Mixing all features in every step is what permutations between couplings
/// cannot do.
/// </summary>
/// <param name="Seed">The seed of the fixed permutation.</param>
public sealed record LuLinearStep(int Seed) : BijSpec
{
    /// <summary>The step checks that it sees vectors of at least one feature: any width works.</summary>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
    }

    /// <summary>The module: the strictly lower part of L, the strictly upper part of U and the log-diagonal d as parameters.</summary>
    public override BijectorModule Compile(StepShape shape) => new Module(shape.Features, Seed);

    /// <summary>Counts the three D×D and D-sized tensors, so a loader can bound a document that holds this step.</summary>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        budget.Features(path, shape.Features);
        budget.Add(path, (2 * (Int128)shape.Features * shape.Features) + shape.Features);
        budget.Buffer($"{path}.sign", shape.Features);
    }

    /// <summary>Registers the step's JSON form under "lu_linear_example" (once per process; later calls do nothing).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!registered)
            {
                SpecJson.Register<LuLinearStep>("lu_linear_example", (s, o) => o["seed"] = s.Seed, f => new LuLinearStep(f.Int("seed")));
                registered = true;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"LuLinear(seed: {Seed})";

    private static readonly object Gate = new();
    private static bool registered;

    private sealed class Module : BijectorModule
    {
        private readonly long[] permutation;
        private readonly Parameter lower;
        private readonly Parameter upper;
        private readonly Parameter logDiagonal;
        private readonly torch.Tensor sign;

        public Module(long features, int seed) : base("lu_linear")
        {
            permutation = Permutation.Random((int)features, seed).Order;
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
