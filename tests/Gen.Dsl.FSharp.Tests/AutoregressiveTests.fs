module Gen.Dsl.FSharp.Tests.AutoregressiveTests

open Gen
open Gen.Dsl
open Gen.Runtime
open TorchSharp
open Xunit

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
