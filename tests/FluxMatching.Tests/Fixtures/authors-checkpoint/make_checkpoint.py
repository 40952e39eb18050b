"""Writes tiny_training_checkpoint.pth: the layout of the authors' exp3 training checkpoint
(experiments/exp3_unrestricted/cifar.py: {'MODEL': EDM.state_dict(), 'EMA': ema.state_dict(), 'opt_backbone':
Adam.state_dict(), 'step', 's_noise_normalizer', 'importance_sampler_net'}) with a 1x1 convolution in place of the
U-Net and 8-wide auxiliary nets, so the file stays a few kilobytes; plus 'probe' (the normalizer's output at three σ)
as an oracle. ema-pytorch's EMA is stood in for by a module with the state it registers (ema_model, initted, step).
Run with PyTorch 1.13 from a checkout of github.com/peterpaohuang/flux_matching (commit 0f7f739):
  PYTHONPATH=<checkout>:<checkout>/experiments/exp3_unrestricted python3 make_checkpoint.py
(EDM.py imports tqdm at the top; any stub module named tqdm will do.)"""
import copy
import torch
import torch.nn as nn
from EDM import EDM
from src.exponential import ExponentialIS
from src.normalizer import LossNormalizer

torch.manual_seed(0)
norm, isn = LossNormalizer(hidden_dim=8), ExponentialIS(hidden_dim=8)
diff = EDM(nn.Conv2d(1, 1, 1), norm, 0.5, -1.2, 1.2, 0.002, 80, 7, 0.01, 1, 1.007, 'cpu',
           importance_sampler_net=isn)


class EMA(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.ema_model = copy.deepcopy(model)
        self.register_buffer('initted', torch.tensor(True))
        self.register_buffer('step', torch.tensor(3))


ema = EMA(diff)
with torch.no_grad():
    for p in ema.ema_model.parameters():
        p.add_(0.5)
opt = torch.optim.Adam(diff.parameters(), lr=1e-4)
sigma = torch.tensor([0.1, 1.0, 10.0])
(norm(sigma).square().sum() + diff.nn_model(torch.ones(1, 1, 2, 2)).sum()).backward()
opt.step()
with torch.no_grad():
    probe = {'sigma': sigma, 'normalizer': norm(sigma), 'ema_normalizer': ema.ema_model.s_noise_normalizer(sigma)}
torch.save({'MODEL': diff.state_dict(), 'EMA': ema.state_dict(), 'opt_backbone': opt.state_dict(), 'step': 1000,
            's_noise_normalizer': norm.state_dict(), 'importance_sampler_net': isn.state_dict(), 'probe': probe},
           'tiny_training_checkpoint.pth')
