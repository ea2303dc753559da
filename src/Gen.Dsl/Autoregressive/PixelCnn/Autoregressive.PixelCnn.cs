namespace Gen.Dsl;

/// <summary>Entry point for autoregressive model specs.</summary>
public static partial class Autoregressive
{
    /// <summary>
    /// A PixelCNN (van den Oord et al. 2016) over images of shape [<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>], with 64 filters, 4 residual blocks and a Bernoulli head until changed with
    /// <see cref="PixelCnnSpec.WithFilters"/>, <see cref="PixelCnnSpec.WithResidualBlocks"/> and <see cref="PixelCnnSpec.WithHead"/>.
    /// </summary>
    /// <param name="channels">Colour channels (1 for grey or binary images, 3 for RGB, ordered R &lt; G &lt; B).</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static PixelCnnSpec PixelCnn(int channels, int height, int width) =>
        new PixelCnnSpec(channels, height, width, 64, 4, PixelHead.Bernoulli());
}
