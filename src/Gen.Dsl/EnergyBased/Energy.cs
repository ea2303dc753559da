namespace Gen.Dsl;

/// <summary>Factories for energy-based models (<see cref="EnergySpec"/>).</summary>
public static class Energy
{
    /// <summary>An energy over vectors of <paramref name="features"/> features, with an MLP of two hidden layers of 128 SiLU units (smooth, so its gradients drive Langevin chains well).</summary>
    /// <exception cref="GenShapeException">The number of features is not positive.</exception>
    public static EnergySpec Over(int features) =>
        EnergySpec.Checked(new EnergySpec(new ValueList<int>(new[] { features }), Net.Mlp(128, 128).WithActivation(Activation.Silu), 0));

    /// <summary>An energy over images [<paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>], with a convolutional encoder of 32 and 64 channels (SiLU).</summary>
    /// <exception cref="GenShapeException">A size is not positive, or too small for the encoder.</exception>
    public static EnergySpec Over(int channels, int height, int width) =>
        EnergySpec.Checked(new EnergySpec(new ValueList<int>(new[] { channels, height, width }), Net.ConvEncoder(32, 64).WithActivation(Activation.Silu), 0));
}
