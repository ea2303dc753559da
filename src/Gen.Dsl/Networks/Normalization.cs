namespace Gen.Dsl;

/// <summary>
/// The normalisation a network node puts after each hidden layer, before its activation (the output layer is never
/// normalised). Set it with the node's <c>WithNormalization</c>.
/// </summary>
/// <remarks>
/// Batch normalisation makes each example's output depend on the other examples of its batch while the model is in
/// training mode (<c>train()</c>, the mode of a freshly compiled or loaded model) and uses running statistics in
/// evaluation mode (<c>eval()</c>); so a flow whose conditioners use it is an exact bijection in evaluation mode only,
/// and a critic trained with a gradient penalty should use layer normalisation instead (Gulrajani et al. 2017). Layer
/// normalisation treats every example alone in both modes. The running statistics are saved with the weights.
/// </remarks>
public enum Normalization
{
    /// <summary>No normalisation.</summary>
    None,

    /// <summary>
    /// Batch normalisation (Ioffe and Szegedy 2015): per feature (MLPs) or per channel (convolutional nodes), over the
    /// batch (and the pixels), with a learnt scale and shift, and running statistics for evaluation.
    /// </summary>
    Batch,

    /// <summary>
    /// Layer normalisation (Ba et al. 2016): per example, over a layer's features (MLPs) or over its channels and pixels
    /// (convolutional nodes, as one group norm of one group), with a learnt scale and shift per feature or channel.
    /// </summary>
    Layer,
}
