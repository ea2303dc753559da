namespace Gen.Dsl;

/// <summary>Factories for noise-conditional score models (<see cref="ScoreSpec"/>).</summary>
public static class Scores
{
    /// <summary>
    /// A score model over vectors of <paramref name="features"/> features: an MLP of two hidden layers of 128 SiLU units
    /// (smooth, as Langevin chains follow its output), 10 levels geometric from 1 to 0.01.
    /// </summary>
    /// <exception cref="GenShapeException">The number of features is not positive.</exception>
    public static ScoreSpec NoiseConditional(int features) =>
        ScoreSpec.Checked(new ScoreSpec(new ValueList<int>(new[] { features }), Net.Mlp(128, 128).WithActivation(Activation.Silu), AnnealedLangevin.Geometric(1, 0.01, 10)));

    /// <summary>
    /// A score model over images [<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>]: a
    /// convolutional residual network of 64 channels and 4 blocks (SiLU) over the image with log σ as one more channel,
    /// 10 levels geometric from 1 to 0.01 (for pixels in [0, 1], as NCSN).
    /// </summary>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static ScoreSpec NoiseConditional(int channels, int height, int width) =>
        ScoreSpec.Checked(new ScoreSpec(new ValueList<int>(new[] { channels, height, width }), Net.ConvResNet(64, 4).WithActivation(Activation.Silu), AnnealedLangevin.Geometric(1, 0.01, 10)));
}
