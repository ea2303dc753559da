using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A binary coupling mask over a flow's events, 1 marking an entry passed through unchanged (and conditioned on), 0 an
/// entry transformed: over vectors (<see cref="MaskSpec"/>, from <see cref="Mask"/>) or images
/// (<see cref="ImageMaskSpec"/>, from <see cref="ImageMask"/>). The mask also says what the coupling's network reads:
/// the masked vector, the masked image with the mask as one more channel, or the kept channels.
/// </summary>
public abstract record CouplingMaskSpec
{
    // Only the masks Gen ships derive from it: a coupling's checks, network shapes and JSON rely on knowing them.
    private protected CouplingMaskSpec()
    {
    }

    /// <summary>The complementary mask (kept and transformed swap roles).</summary>
    public abstract CouplingMaskSpec Flipped();

    /// <summary>Checks that the mask fits events of <paramref name="shape"/>, naming <paramref name="path"/>.</summary>
    internal abstract void Check(string path, StepShape shape);

    /// <summary>The mask as a float32 tensor of the event shape.</summary>
    internal abstract torch.Tensor Build(StepShape shape);

    /// <summary>The event shape the network reads, the context included.</summary>
    internal abstract long[] NetworkInput(StepShape shape);

    /// <summary>
    /// What the network reads for the masked events <paramref name="kept"/> (shape B ++ E) and the context B' ++ [K]
    /// (broadcasting with B), or none: B ++ <see cref="NetworkInput(StepShape)"/>.
    /// </summary>
    internal abstract torch.Tensor NetworkInput(torch.Tensor kept, torch.Tensor mask, torch.Tensor? context, StepShape shape);

    /// <summary>The number of entries of the mask's buffer for events of <paramref name="shape"/>.</summary>
    internal static long Size(StepShape shape)
    {
        long size = 1;
        foreach (var d in shape.Event)
        {
            size *= d;
        }

        return size;
    }
}
