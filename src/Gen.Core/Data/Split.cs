using System;
using TorchSharp;

namespace Gen.Data;

/// <summary>A data set split in two, for example train and test.</summary>
/// <param name="Train">The training part.</param>
/// <param name="Test">The held-out part.</param>
public readonly record struct Split(torch.Tensor Train, torch.Tensor Test);
