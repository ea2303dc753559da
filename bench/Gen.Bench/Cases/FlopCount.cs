namespace Gen.Bench;

/// <summary>
/// Floating-point operations of one pass of a model over a batch, counted analytically: 2·M·N·K for every
/// matrix product (linear layers) and 2·B·H·W·C_out·C_in·k² for every convolution, including entries a mask
/// zeroes, since the dense kernel computes them. Elementwise work (activations, masks, the likelihood, Adam)
/// is not counted: the products dominate every case here.
/// </summary>
/// <param name="Forward">The forward pass (the log-likelihood).</param>
/// <param name="Backward">
/// The backward pass: for each product, the weight gradient (as much again as its forward) and, where its input
/// depends on a parameter, the input gradient (as much again). A layer that reads the data directly gets no input
/// gradient, so the backward pass is a little under twice the forward.
/// </param>
internal readonly record struct FlopCount(double Forward, double Backward)
{
    /// <summary>One training step: forward and backward.</summary>
    public double TrainStep => Forward + Backward;

    /// <summary>A linear layer x·Wᵀ over <paramref name="rows"/> rows.</summary>
    /// <param name="rows">Rows of the input (the batch).</param>
    /// <param name="inputs">Input width.</param>
    /// <param name="outputs">Output width.</param>
    /// <param name="inputGradient">Whether autograd computes the gradient of the layer's input.</param>
    public static FlopCount Linear(long rows, long inputs, long outputs, bool inputGradient)
    {
        double f = 2.0 * rows * inputs * outputs;
        return new FlopCount(f, inputGradient ? 2 * f : f);
    }

    /// <summary>A same-padded, stride-1 convolution over a batch of <paramref name="height"/>×<paramref name="width"/> images.</summary>
    public static FlopCount Conv2d(long batch, long height, long width, long inChannels, long outChannels, long kernel, bool inputGradient)
    {
        double f = 2.0 * batch * height * width * inChannels * outChannels * kernel * kernel;
        return new FlopCount(f, inputGradient ? 2 * f : f);
    }

    /// <summary>A multilayer perceptron: consecutive linear layers of the given widths (input first).</summary>
    /// <param name="rows">Rows of the input (the batch).</param>
    /// <param name="widths">Input width, hidden widths, output width.</param>
    /// <param name="inputGradient">Whether the network's input depends on a parameter (every later layer's does).</param>
    public static FlopCount Mlp(long rows, long[] widths, bool inputGradient)
    {
        var total = default(FlopCount);
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            total += Linear(rows, widths[i], widths[i + 1], inputGradient || i > 0);
        }

        return total;
    }

    /// <summary>The sum of two counts.</summary>
    public static FlopCount operator +(FlopCount a, FlopCount b) => new(a.Forward + b.Forward, a.Backward + b.Backward);
}
