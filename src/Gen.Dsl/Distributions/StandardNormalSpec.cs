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

    internal override DistributionModule Compile() => new Module(Features);

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

        // Built once per set of buffers (a move to another device or dtype replaces them). Building it on every
        // call would re-check the scale each time, and on a GPU that check waits for the device.
        private (torch.Tensor Loc, IDistribution Distribution)? built;

        public override IDistribution Build()
        {
            if (built is { } b && ReferenceEquals(b.Loc, loc))
            {
                return b.Distribution;
            }

            var d = new Independent(new Normal(loc, scale), 1);
            built = (loc, d);
            return d;
        }
    }
}
