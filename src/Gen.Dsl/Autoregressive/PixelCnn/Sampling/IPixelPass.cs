using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// One pass of a pixel model's network cut into pixel steps, for ancestral sampling: every layer's output at a pixel
/// is computed once, from the outputs kept for the pixels before it, instead of running the whole network over the
/// whole image for every pixel (Ramachandran et al. 2017 cache whole rows the same way). A causal network's output at
/// (i, j) depends only on pixels before (i, j), so it is final when those are drawn, and the parameters it gives equal a
/// full pass's up to rounding. The sampler calls <see cref="BeginRow"/> once per row, then for each pixel and colour
/// channel <see cref="HeadParameters"/> and <see cref="Write"/>; the pass holds its tensors in the caller's dispose scope.
/// </summary>
internal interface IPixelPass
{
    /// <summary>Starts row <paramref name="row"/>: every pixel above it has been written.</summary>
    void BeginRow(long row);

    /// <summary>
    /// The network's output at pixel (<paramref name="row"/>, <paramref name="column"/>), [batch, C·K], given the pixels
    /// before it and the channels of this pixel written so far.
    /// </summary>
    torch.Tensor HeadParameters(long row, long column);

    /// <summary>Writes channel <paramref name="channel"/> of pixel (<paramref name="row"/>, <paramref name="column"/>) as the network sees it ([batch]).</summary>
    void Write(long row, long column, long channel, torch.Tensor networkInput);
}
