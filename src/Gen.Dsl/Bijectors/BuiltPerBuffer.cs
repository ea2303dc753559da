using System;
using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A bijector built once per buffer of a module (a coupling's mask): a move to another device or dtype replaces the
/// buffer, which builds it again. So a layer's constant tensors are made once rather than on every pass.
/// </summary>
internal sealed class BuiltPerBuffer
{
    private (torch.Tensor Buffer, IBijector Bijector)? built;

    /// <summary>The bijector built for <paramref name="buffer"/>, building it with <paramref name="build"/> if the buffer is new.</summary>
    public IBijector For(torch.Tensor buffer, Func<IBijector> build)
    {
        if (built is { } b && ReferenceEquals(b.Buffer, buffer))
        {
            return b.Bijector;
        }

        var bijector = build();
        built = (buffer, bijector);
        return bijector;
    }
}
