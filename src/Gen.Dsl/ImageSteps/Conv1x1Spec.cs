using System;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Glow's invertible 1×1 convolution: one learnt invertible [C, C] matrix mixes the channels at every pixel, starting
/// at a random rotation. With <paramref name="Lu"/> the matrix is parametrised by its LU factors (log-determinant in
/// O(C), invertible for any parameters); otherwise it is dense (log-determinant by an O(C³) factorisation per pass).
/// </summary>
/// <param name="Lu">Whether the matrix is LU-parametrised.</param>
public sealed record Conv1x1Spec(bool Lu) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => Lu ? "Conv1x1(LU)" : "Conv1x1";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Image(path);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long channels = shape.Image("conv1x1").Channels;
        return Lu ? new LuModule(channels) : new DenseModule(channels);
    }

    // Glow's initialisation: the Q of a QR factorisation of a Gaussian matrix (drawn from the compile's seed).
    private static torch.Tensor RandomRotation(long channels)
    {
        using var scope = torch.NewDisposeScope();
        return torch.linalg.qr(DeviceRandom.Normal(new[] { channels, channels }, torch.float32, torch.CPU)).Q.MoveToOuterDisposeScope();
    }

    private sealed class DenseModule : BijectorModule
    {
        private readonly Parameter weight;

        public DenseModule(long channels) : base("conv1x1")
        {
            weight = torch.nn.Parameter(RandomRotation(channels));
            RegisterComponents();
        }

        public override IBijector Build(torch.Tensor? context) => new Invertible1x1Conv(weight);
    }

    private sealed class LuModule : BijectorModule
    {
        private readonly Parameter lower;
        private readonly Parameter upper;
        private readonly Parameter logAbsDiagonal;
        private readonly torch.Tensor sign;

        // The pivoting order of the initial rotation's factorisation: fixed, but drawn at compile time, so it is a
        // buffer that checkpoints carry (an int64 tensor keeps its type when the module changes dtype).
        private readonly torch.Tensor permutation;

        public LuModule(long channels) : base("conv1x1_lu")
        {
            using var rotation = RandomRotation(channels);
            var lu = LuLinear.Decompose(rotation);
            lower = torch.nn.Parameter(lu.Lower);
            upper = torch.nn.Parameter(lu.Upper);
            logAbsDiagonal = torch.nn.Parameter(lu.LogAbsDiagonal);
            sign = lu.Sign;
            permutation = torch.tensor(lu.Permutation);
            RegisterComponents();
        }

        // Reading the order back costs one device synchronisation per pass on a GPU; on the CPU it is a copy of C numbers.
        public override IBijector Build(torch.Tensor? context)
        {
            using var onCpu = permutation.cpu();
            return new Invertible1x1Conv(new LuLinear(onCpu.data<long>().ToArray(), lower, upper, logAbsDiagonal, sign));
        }
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image(path);
        // One [C, C] matrix; factorised, a lower and an upper triangle (each stored as [C, C]) and a diagonal.
        Int128 c = input.Channels;
        budget.Layer(path);
        budget.Add(path, Lu ? (2 * c * c) + c : c * c);
        budget.Buffer(path, Lu ? 2 * c : 0); // the factorisation's pivoting order and the diagonal's signs
    }
}
