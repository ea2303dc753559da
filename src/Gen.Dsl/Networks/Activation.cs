namespace Gen.Dsl;

/// <summary>Activation functions a network node can use.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    Relu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>x·σ(1.702x)-like smooth ReLU (exact GELU).</summary>
    Gelu,

    /// <summary>max(0.01x, x).</summary>
    LeakyRelu,

    /// <summary>x·σ(x).</summary>
    Silu,
}
