using System.Linq;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>The standard normal distribution over vectors of <paramref name="Features"/> independent coordinates.</summary>
/// <param name="Features">Length of one event.</param>
public sealed record StandardNormalSpec(int Features) : DistSpec
{
    /// <inheritdoc/>
    public override long[] EventShape => new long[] { Features };

    /// <inheritdoc/>
    public override string ToString() => $"StandardNormal({Features})";

    /// <inheritdoc/>
    public override DistributionModule Compile() => new Module(Features);

    private sealed class Module : DistributionModule
    {
        private readonly torch.Tensor loc;
        private readonly torch.Tensor scale;

        public Module(int features) : base("standard_normal")
        {
            // Buffers, not parameters: they move with .to(device) and are saved, but are not trained.
            loc = torch.zeros(features);
            scale = torch.ones(features);
            register_buffer("loc", loc);
            register_buffer("scale", scale);
        }

        // Built once per set of buffers and batch shape (a move to another device or dtype replaces the buffers).
        // Building it on every call would re-check the scale each time, and on a GPU that check waits for the device.
        private (torch.Tensor Loc, long[] Batch, IDistribution Distribution)? built;

        public override IDistribution Build(torch.Tensor? context)
        {
            var batch = context is null ? System.Array.Empty<long>() : context.shape[..^1];
            if (built is { } b && ReferenceEquals(b.Loc, loc) && b.Batch.SequenceEqual(batch))
            {
                return b.Distribution;
            }

            // The context is not read: the same N(0, I) for every context row.
            var d = new Independent(batch.Length == 0 ? new Normal(loc, scale) : new Normal(Expanded(loc, batch), Expanded(scale, batch)), 1);
            built = (loc, batch, d);
            return d;
        }

        // A view of the buffer over the batch, kept by the cache beyond any dispose scope the caller is in; a view
        // costs no storage, and one the cache drops is released by the garbage collector.
        private static torch.Tensor Expanded(torch.Tensor buffer, long[] batch) =>
            buffer.expand(batch.Append(buffer.shape[0]).ToArray()).DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path)
    {
        budget.Features(path, Features);
        budget.Buffer(path, 2L * Features);
    }
}
