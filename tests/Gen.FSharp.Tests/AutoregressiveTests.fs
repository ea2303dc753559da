module Gen.FSharp.Tests.AutoregressiveTests

open Gen
open Gen.Dsl
open Gen.Runtime
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

/// The autoregressive models read as ordinary method calls from F#.
[<Fact>]
let ``Autoregressive models and flow layers compile and run from F#`` () =
    GenRuntime.EnsureLoaded()
    let x = torch.tensor(Array.init 30 (fun i -> float32 ((i * 7 / 3) % 2))).reshape(5L, 6L)
    let models: AutoregressiveBinaryModel list =
        [ Autoregressive.Made(6, 32, 32).WithOrder(InputOrder.Random 1).WithMasks(4).Compile(Device.Cpu, seed = 0L)
          Autoregressive.Nade(6, 16).WithOrder(InputOrder.Given(5, 4, 3, 2, 1, 0)).Compile(Device.Cpu, seed = 0L)
          Autoregressive.Fvsbn(6).Compile(Device.Cpu) ]
    for model in models do
        Assert.Equal<int64[]>([| 5L |], model.LogProb(x).shape)
        Assert.Equal<int64[]>([| 3L; 6L |], model.Sample(3L, Seed.Generator 1L).shape)
    let flow =
        Flow.Over(Dist.StandardNormal 6)
            .Then(Bij.MaskedAutoregressive(32, 32).WithOrder(InputOrder.Reversed))
            .Then(Bij.InverseAutoregressive(32).WithDegrees(HiddenDegrees.Even))
    use model = flow.Compile(Device.Cpu, seed = 0L)
    Assert.Equal<int64[]>([| 5L |], model.LogProb(torch.randn(5L, 6L)).shape)
    use net = Autoregressive.Made(6, 32).WithOutputsPerFeature(2).WithContext(3L).CompileNetwork(Device.Cpu, seed = 0L)
    Assert.Equal<int64[]>([| 5L; 6L; 2L |], net.Forward(torch.randn(5L, 6L), torch.randn(5L, 3L)).shape)

/// Maximum likelihood on the binarised digits for a few steps; then binary samples and a checkpoint.
let private fitsTheDigits<'T when 'T :> AutoregressiveBinaryModel> name (model: 'T) steps margin (eachStep: unit -> unit) =
    let data = binaryDigits ()
    trainSteps model data steps 100L 1e-2 (fun x -> eachStep (); -model.LogProb(x).mean()) |> assertImproved name margin
    let x = model.Sample(4L, Seed.Generator 2L)
    Assert.Equal<int64[]>([| 4L; 64L |], x.shape)
    Assert.True(isBinary x, sprintf "%s samples are not binary" name)
    // The model loads back as its own type.
    assertCheckpointRoundTrips model (fun m -> m.LogProb(data))

[<Fact>]
let ``MADE learns the binarised digits`` () =
    use model = Autoregressive.Made(64, 128).Compile(Device.Cpu, seed = 0L)
    fitsTheDigits "made" model 50 10.0f ignore

[<Fact>]
let ``Order-agnostic MADE learns the binarised digits with a mask ensemble`` () =
    use model = Autoregressive.Made(64, 128).WithOrder(InputOrder.Random 0).WithMasks(4).Compile(Device.Cpu, seed = 0L)
    Assert.Equal(4, model.MaskCount)
    fitsTheDigits "order-agnostic made" model 80 8.0f model.NextMask
    let data = binaryDigits ()
    Assert.Equal<int64[]>([| 1797L |], model.EnsembleLogProb(data, 4).shape)

[<Fact>]
let ``NADE learns the binarised digits`` () =
    use model = Autoregressive.Nade(64, 32).Compile(Device.Cpu, seed = 0L)
    fitsTheDigits "nade" model 50 10.0f ignore

[<Fact>]
let ``FVSBN learns the binarised digits in reversed order`` () =
    use model = Autoregressive.Fvsbn(64).WithOrder(InputOrder.Reversed).Compile(Device.Cpu, seed = 0L)
    Assert.Equal<int64[]>(Array.init 64 (fun i -> int64 (63 - i)), model.Order)
    fitsTheDigits "fvsbn" model 80 8.0f ignore

[<Fact>]
let ``The LSTM model learns the binarised digits`` () =
    use model = Autoregressive.Rnn(64, 32).Compile(Device.Cpu, seed = 0L)
    fitsTheDigits "rnn" model 30 6.0f ignore
