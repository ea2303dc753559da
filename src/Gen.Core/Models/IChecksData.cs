using TorchSharp;

namespace Gen;

/// <summary>
/// A model that checks the values of every batch it is given (binary pixels, a likelihood's support): a reduction and a
/// flag read back from the device on every call. A trainer over a whole data set asks once whether the set passes
/// those checks; when it does, the batches it draws from the set and hands to the loss unchanged are not checked again.
/// A batch the loss transforms (dequantised, binarised afresh, shifted) is a new tensor and is checked as always.
/// </summary>
public interface IChecksData
{
    /// <summary>Whether <paramref name="data"/> (a whole data set, [n, ...event]) passes the checks the model runs on a batch: shape, dtype, device and values. Never throws for data it rejects.</summary>
    /// <param name="data">The data set.</param>
    bool Accepts(torch.Tensor data);
}
