namespace Gen.Dsl;

/// <summary>Activation functions a network node can use.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>x·Φ(x), Φ the standard normal CDF: the exact GELU, a smooth ReLU.</summary>
    Gelu,

    /// <summary>max(0.01x, x).</summary>
    LeakyRelu,

    /// <summary>x·σ(x).</summary>
    Silu,

    /// <summary>max(0.2x, x): the leaky ReLU of the discriminators of DCGAN, SNGAN and StyleGAN.</summary>
    LeakyRelu02,
}
