using System;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Fixed elementwise bijections (event rank 0) with log-derivatives in stable forms. Each is written here
/// rather than taken from TorchSharp 0.107, whose Softplus and Tanh transforms are wrong.
/// </summary>
public sealed class Elementwise : IBijector
{
    private readonly Func<torch.Tensor, Transformed> forward;
    private readonly Func<torch.Tensor, Transformed> inverse;

    private Elementwise(string name, Func<torch.Tensor, Transformed> forward, Func<torch.Tensor, Transformed> inverse)
    {
        Name = name;
        this.forward = forward;
        this.inverse = inverse;
    }

    /// <summary>y = exp(x); log|dy/dx| = x.</summary>
    public static Elementwise Exp { get; } = new("exp", x => new(x.exp(), x.clone()), y => { var x = y.log(); return new(x, -x); });

    /// <summary>y = σ(x) = 1/(1+e⁻ˣ), onto (0, 1); log|dy/dx| = log σ(x) + log σ(-x).</summary>
    public static Elementwise Sigmoid { get; } = new(
        "sigmoid",
        x => new(x.sigmoid(), logsigmoid(x) + logsigmoid(-x)),
        y =>
        {
            var x = y.log() - (-y).log1p();
            return new(x, -(logsigmoid(x) + logsigmoid(-x)));
        });

    /// <summary>y = tanh(x), onto (-1, 1); log|dy/dx| = 2(log 2 − x − softplus(−2x)).</summary>
    public static Elementwise Tanh { get; } = new(
        "tanh",
        x => new(x.tanh(), TanhLogDerivative(x)),
        y =>
        {
            var x = y.atanh();
            return new(x, -TanhLogDerivative(x));
        });

    /// <summary>y = softplus(x) = log(1 + eˣ), onto (0, ∞); log|dy/dx| = log σ(x).</summary>
    public static Elementwise Softplus { get; } = new(
        "softplus",
        x => new(softplus(x), logsigmoid(x)),
        y =>
        {
            var x = y + (-(-y).expm1()).log(); // log(e^y − 1), stable for small and large y
            return new(x, -logsigmoid(x));
        });

    /// <summary>A short name such as <c>sigmoid</c>.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public int EventRank => 0;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => forward(x);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => inverse(y);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static torch.Tensor TanhLogDerivative(torch.Tensor x) => 2.0 * (Math.Log(2.0) - x - softplus(-2.0 * x));
}
