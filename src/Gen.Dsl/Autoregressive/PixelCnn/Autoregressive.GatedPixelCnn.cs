namespace Gen.Dsl;

/// <summary>Entry point for autoregressive model specs.</summary>
public static partial class Autoregressive
{
    /// <summary>
    /// A gated PixelCNN (van den Oord et al. 2016b) over images of shape [<paramref name="channels"/>,
    /// <paramref name="height"/>, <paramref name="width"/>], with 64 filters, 6 gated layers, no class conditioning and a
    /// Bernoulli head until changed with <see cref="GatedPixelCnnSpec.WithFilters"/>, <see cref="GatedPixelCnnSpec.WithLayers"/>,
    /// <see cref="GatedPixelCnnSpec.WithClasses"/> and <see cref="GatedPixelCnnSpec.WithHead"/>.
    /// </summary>
    /// <param name="channels">Colour channels (1 for grey or binary images, 3 for RGB, ordered R &lt; G &lt; B).</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static GatedPixelCnnSpec GatedPixelCnn(int channels, int height, int width) =>
        new GatedPixelCnnSpec(channels, height, width, 64, 6, 0, PixelHead.Bernoulli());
}
