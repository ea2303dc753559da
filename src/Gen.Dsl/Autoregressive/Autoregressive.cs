using System;

namespace Gen.Dsl;

/// <summary>Factories for autoregressive models.</summary>
public static partial class Autoregressive
{
    /// <summary>
    /// A MADE over <paramref name="features"/> features with these hidden widths: natural order, random hidden
    /// degrees (seed 0), one mask, one output per feature, no context, ReLU. Adjust it with the <c>With…</c> methods.
    /// </summary>
    /// <exception cref="GenShapeException">A size is not positive, or no hidden layer is given.</exception>
    public static MadeSpec Made(int features, params int[] hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return MadeSpec.Checked(new MadeSpec(features, new ValueList<int>(hidden), 1, 0, InputOrder.Natural, HiddenDegrees.Random(0), 1, Activation.Relu));
    }

    /// <summary>A NADE over <paramref name="features"/> binary features with <paramref name="hidden"/> hidden units, in natural order.</summary>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static NadeSpec Nade(int features, int hidden) => NadeSpec.Checked(new NadeSpec(features, hidden, InputOrder.Natural));

    /// <summary>A fully visible sigmoid belief net over <paramref name="features"/> binary features, in natural order.</summary>
    /// <exception cref="GenShapeException"><paramref name="features"/> is not positive.</exception>
    public static FvsbnSpec Fvsbn(int features) => FvsbnSpec.Checked(new FvsbnSpec(features, InputOrder.Natural));

    /// <summary>The checks every binary autoregressive spec shares.</summary>
    /// <summary>
    /// An LSTM autoregressive model of binary vectors of length <paramref name="features"/> (one layer of
    /// <paramref name="hidden"/> units; natural order): the recurrent summary of the history, as in PixelRNN.
    /// </summary>
    /// <param name="features">D, the length of the vectors.</param>
    /// <param name="hidden">LSTM units.</param>
    public static RnnSpec Rnn(int features, int hidden) => RnnSpec.Checked(new RnnSpec(features, hidden, 1, InputOrder.Natural));

    internal static void CheckFeatures(string path, long features, InputOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (features < 1)
        {
            throw new GenShapeException($"{path}.features", $"the number of features must be positive, got {features}.");
        }

        order.Check($"{path}.order", features);
    }
}
