"""Piper's VITS generator (the inference half), written for test models.

Same modules, hyperparameter shapes and forward code paths as Piper's
piper_train/vits (text encoder with relative-position attention, stochastic
duration predictor with rational-quadratic spline flows, residual coupling
flows on WaveNet layers, HiFi-GAN decoder), so that torch.onnx.export emits the
operators a real Piper export contains. Training-only parts (posterior encoder,
discriminators, losses) are left out: the exported graph never reaches them.
"""
import math

import torch
from torch import nn
from torch.nn import functional as F

LRELU_SLOPE = 0.1


def sequence_mask(length, max_length):
    x = torch.arange(max_length, dtype=length.dtype, device=length.device)
    return x.unsqueeze(0) < length.unsqueeze(1)


def generate_path(duration, mask):
    """Hard alignment from integer durations: duration [b,1,t_x], mask [b,1,t_y,t_x]."""
    b, _, t_y, t_x = mask.shape
    cum_duration = torch.cumsum(duration, -1)
    path = sequence_mask(cum_duration.view(b * t_x), t_y).type_as(mask)
    path = path.view(b, t_x, t_y)
    path = path - F.pad(path, (0, 0, 1, 0, 0, 0))[:, :-1]
    return path.unsqueeze(1).transpose(2, 3) * mask


def _clamp0(v):
    return torch.clamp_min(v, 0) if isinstance(v, torch.Tensor) else max(v, 0)


class LayerNorm(nn.Module):
    def __init__(self, channels, eps=1e-5):
        super().__init__()
        self.channels, self.eps = channels, eps
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        x = x.transpose(1, -1)
        x = F.layer_norm(x, (self.channels,), self.gamma, self.beta, self.eps)
        return x.transpose(1, -1)


# --- text encoder -------------------------------------------------------------


class MultiHeadAttention(nn.Module):
    """Self-attention with relative position embeddings (window 4), as in VITS."""

    def __init__(self, channels, n_heads, window_size=4):
        super().__init__()
        self.n_heads, self.window_size = n_heads, window_size
        self.k_channels = channels // n_heads
        self.conv_q = nn.Conv1d(channels, channels, 1)
        self.conv_k = nn.Conv1d(channels, channels, 1)
        self.conv_v = nn.Conv1d(channels, channels, 1)
        self.conv_o = nn.Conv1d(channels, channels, 1)
        std = self.k_channels**-0.5
        self.emb_rel_k = nn.Parameter(torch.randn(1, window_size * 2 + 1, self.k_channels) * std)
        self.emb_rel_v = nn.Parameter(torch.randn(1, window_size * 2 + 1, self.k_channels) * std)

    def forward(self, x, c, attn_mask):
        q, k, v = self.conv_q(x), self.conv_k(c), self.conv_v(c)
        b, d, t_s, t_t = (*k.size(), q.size(2))
        query = q.view(b, self.n_heads, self.k_channels, t_t).transpose(2, 3)
        key = k.view(b, self.n_heads, self.k_channels, t_s).transpose(2, 3)
        value = v.view(b, self.n_heads, self.k_channels, t_s).transpose(2, 3)

        scores = torch.matmul(query / math.sqrt(self.k_channels), key.transpose(-2, -1))
        rel_k = self._relative_embeddings(self.emb_rel_k, t_s)
        rel_logits = torch.matmul(query / math.sqrt(self.k_channels),
                                  rel_k.unsqueeze(0).transpose(-2, -1))
        scores = scores + self._relative_to_absolute(rel_logits)
        scores = scores.masked_fill(attn_mask == 0, -1e4)
        p_attn = F.softmax(scores, dim=-1)
        output = torch.matmul(p_attn, value)
        rel_v = self._relative_embeddings(self.emb_rel_v, t_s)
        output = output + torch.matmul(self._absolute_to_relative(p_attn), rel_v.unsqueeze(0))
        output = output.transpose(2, 3).contiguous().view(b, d, t_t)
        return self.conv_o(output)

    def _relative_embeddings(self, emb, length):
        # Pad first, then slice: no data-dependent branch in the exported graph. During export
        # `length` is a traced tensor, so the clamps stay in the graph (Clip) instead of
        # freezing the export's sequence length into it.
        pad_length = _clamp0(length - (self.window_size + 1))
        start = _clamp0((self.window_size + 1) - length)
        end = start + 2 * length - 1
        padded = F.pad(emb, [0, 0, pad_length, pad_length, 0, 0])
        return padded[:, start:end]

    @staticmethod
    def _relative_to_absolute(x):
        batch, heads, length, _ = x.size()
        x = F.pad(x, [0, 1, 0, 0, 0, 0, 0, 0])
        x_flat = x.view([batch, heads, length * 2 * length])
        x_flat = F.pad(x_flat, [0, length - 1, 0, 0, 0, 0])
        return x_flat.view([batch, heads, length + 1, 2 * length - 1])[:, :, :length, length - 1:]

    @staticmethod
    def _absolute_to_relative(x):
        batch, heads, length, _ = x.size()
        x = F.pad(x, [0, length - 1, 0, 0, 0, 0, 0, 0])
        x_flat = x.view([batch, heads, length**2 + length * (length - 1)])
        x_flat = F.pad(x_flat, [length, 0, 0, 0, 0, 0])
        return x_flat.view([batch, heads, length, 2 * length])[:, :, :, 1:]


class FFN(nn.Module):
    def __init__(self, channels, filter_channels, kernel_size):
        super().__init__()
        self.kernel_size = kernel_size
        self.conv_1 = nn.Conv1d(channels, filter_channels, kernel_size)
        self.conv_2 = nn.Conv1d(filter_channels, channels, kernel_size)

    def _same_padding(self, x):
        if self.kernel_size == 1:
            return x
        return F.pad(x, [(self.kernel_size - 1) // 2, self.kernel_size // 2, 0, 0, 0, 0])

    def forward(self, x, x_mask):
        x = torch.relu(self.conv_1(self._same_padding(x * x_mask)))
        x = self.conv_2(self._same_padding(x * x_mask))
        return x * x_mask


class Encoder(nn.Module):
    def __init__(self, hidden, filter_channels, n_heads, n_layers, kernel_size):
        super().__init__()
        self.attn_layers = nn.ModuleList()
        self.norm_layers_1 = nn.ModuleList()
        self.ffn_layers = nn.ModuleList()
        self.norm_layers_2 = nn.ModuleList()
        for _ in range(n_layers):
            self.attn_layers.append(MultiHeadAttention(hidden, n_heads))
            self.norm_layers_1.append(LayerNorm(hidden))
            self.ffn_layers.append(FFN(hidden, filter_channels, kernel_size))
            self.norm_layers_2.append(LayerNorm(hidden))

    def forward(self, x, x_mask):
        attn_mask = x_mask.unsqueeze(2) * x_mask.unsqueeze(-1)
        x = x * x_mask
        for attn, n1, ffn, n2 in zip(self.attn_layers, self.norm_layers_1, self.ffn_layers,
                                     self.norm_layers_2):
            x = n1(x + attn(x, x, attn_mask))
            x = n2(x + ffn(x, x_mask))
        return x * x_mask


class TextEncoder(nn.Module):
    def __init__(self, n_vocab, out_channels, hidden, filter_channels, n_heads, n_layers,
                 kernel_size):
        super().__init__()
        self.out_channels, self.hidden = out_channels, hidden
        self.emb = nn.Embedding(n_vocab, hidden)
        nn.init.normal_(self.emb.weight, 0.0, hidden**-0.5)
        self.encoder = Encoder(hidden, filter_channels, n_heads, n_layers, kernel_size)
        self.proj = nn.Conv1d(hidden, out_channels * 2, 1)

    def forward(self, x, x_lengths):
        x = self.emb(x) * math.sqrt(self.hidden)
        x = torch.transpose(x, 1, -1)
        x_mask = torch.unsqueeze(sequence_mask(x_lengths, x.size(2)), 1).type_as(x)
        x = self.encoder(x * x_mask, x_mask)
        stats = self.proj(x) * x_mask
        m, logs = torch.split(stats, self.out_channels, dim=1)
        return x, m, logs, x_mask


# --- stochastic duration predictor ----------------------------------------------

MIN_BIN, MIN_DERIVATIVE = 1e-3, 1e-3


def _searchsorted(bin_locations, inputs, eps=1e-6):
    bin_locations[..., -1] += eps
    return torch.sum(inputs[..., None] >= bin_locations, dim=-1) - 1


def _rational_quadratic_spline(inputs, uw, uh, ud, inverse, bound):
    left, right, bottom, top = -bound, bound, -bound, bound
    num_bins = uw.shape[-1]
    widths = MIN_BIN + (1 - MIN_BIN * num_bins) * F.softmax(uw, dim=-1)
    cumwidths = F.pad(torch.cumsum(widths, dim=-1), pad=(1, 0), mode="constant", value=0.0)
    cumwidths = (right - left) * cumwidths + left
    cumwidths[..., 0] = left
    cumwidths[..., -1] = right
    widths = cumwidths[..., 1:] - cumwidths[..., :-1]
    derivatives = MIN_DERIVATIVE + F.softplus(ud)
    heights = MIN_BIN + (1 - MIN_BIN * num_bins) * F.softmax(uh, dim=-1)
    cumheights = F.pad(torch.cumsum(heights, dim=-1), pad=(1, 0), mode="constant", value=0.0)
    cumheights = (top - bottom) * cumheights + bottom
    cumheights[..., 0] = bottom
    cumheights[..., -1] = top
    heights = cumheights[..., 1:] - cumheights[..., :-1]

    bin_idx = _searchsorted(cumheights if inverse else cumwidths, inputs)[..., None]
    in_cumwidths = cumwidths.gather(-1, bin_idx)[..., 0]
    in_widths = widths.gather(-1, bin_idx)[..., 0]
    in_cumheights = cumheights.gather(-1, bin_idx)[..., 0]
    delta = heights / widths
    in_delta = delta.gather(-1, bin_idx)[..., 0]
    in_d = derivatives.gather(-1, bin_idx)[..., 0]
    in_d1 = derivatives[..., 1:].gather(-1, bin_idx)[..., 0]
    in_heights = heights.gather(-1, bin_idx)[..., 0]
    if inverse:
        a = (inputs - in_cumheights) * (in_d + in_d1 - 2 * in_delta) + in_heights * (in_delta - in_d)
        b = in_heights * in_d - (inputs - in_cumheights) * (in_d + in_d1 - 2 * in_delta)
        c = -in_delta * (inputs - in_cumheights)
        root = (2 * c) / (-b - torch.sqrt(b.pow(2) - 4 * a * c))
        return root * in_widths + in_cumwidths
    theta = (inputs - in_cumwidths) / in_widths
    tt = theta * (1 - theta)
    numerator = in_heights * (in_delta * theta.pow(2) + in_d * tt)
    denominator = in_delta + (in_d + in_d1 - 2 * in_delta) * tt
    return in_cumheights + numerator / denominator


def spline_with_linear_tails(inputs, uw, uh, ud, inverse, bound):
    inside = (inputs >= -bound) & (inputs <= bound)
    outside = ~inside
    outputs = torch.zeros_like(inputs)
    ud = F.pad(ud, pad=(1, 1))
    constant = math.log(math.exp(1 - MIN_DERIVATIVE) - 1)
    ud[..., 0] = constant
    ud[..., -1] = constant
    outputs[outside] = inputs[outside]
    outputs[inside] = _rational_quadratic_spline(inputs[inside], uw[inside, :], uh[inside, :],
                                                 ud[inside, :], inverse, bound)
    return outputs


class DDSConv(nn.Module):
    """Dilated depth-separable convolutions."""

    def __init__(self, channels, kernel_size, n_layers):
        super().__init__()
        self.convs_sep = nn.ModuleList()
        self.convs_1x1 = nn.ModuleList()
        self.norms_1 = nn.ModuleList()
        self.norms_2 = nn.ModuleList()
        for i in range(n_layers):
            dilation = kernel_size**i
            padding = (kernel_size * dilation - dilation) // 2
            self.convs_sep.append(nn.Conv1d(channels, channels, kernel_size, groups=channels,
                                            dilation=dilation, padding=padding))
            self.convs_1x1.append(nn.Conv1d(channels, channels, 1))
            self.norms_1.append(LayerNorm(channels))
            self.norms_2.append(LayerNorm(channels))

    def forward(self, x, x_mask, g=None):
        if g is not None:
            x = x + g
        for sep, one, n1, n2 in zip(self.convs_sep, self.convs_1x1, self.norms_1, self.norms_2):
            y = F.gelu(n1(sep(x * x_mask)))
            y = F.gelu(n2(one(y)))
            x = x + y
        return x * x_mask


class ConvFlow(nn.Module):
    def __init__(self, in_channels, filter_channels, kernel_size, n_layers, num_bins=10,
                 tail_bound=5.0):
        super().__init__()
        self.filter_channels, self.num_bins, self.tail_bound = filter_channels, num_bins, tail_bound
        self.half = in_channels // 2
        self.pre = nn.Conv1d(self.half, filter_channels, 1)
        self.convs = DDSConv(filter_channels, kernel_size, n_layers)
        self.proj = nn.Conv1d(filter_channels, self.half * (num_bins * 3 - 1), 1)

    def forward(self, x, x_mask, g=None, reverse=False):
        x0, x1 = torch.split(x, [self.half] * 2, 1)
        h = self.convs(self.pre(x0), x_mask, g=g)
        h = self.proj(h) * x_mask
        b, c, t = x0.shape
        h = h.reshape(b, c, -1, t).permute(0, 1, 3, 2)
        scale = math.sqrt(self.filter_channels)
        uw = h[..., :self.num_bins] / scale
        uh = h[..., self.num_bins:2 * self.num_bins] / scale
        ud = h[..., 2 * self.num_bins:]
        x1 = spline_with_linear_tails(x1, uw, uh, ud, reverse, self.tail_bound)
        return torch.cat([x0, x1], 1) * x_mask


class ElementwiseAffine(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.m = nn.Parameter(torch.zeros(channels, 1))
        self.logs = nn.Parameter(torch.zeros(channels, 1))

    def forward(self, x, x_mask, reverse=False, **kwargs):
        return (x - self.m) * torch.exp(-self.logs) * x_mask


class Flip(nn.Module):
    def forward(self, x, *args, **kwargs):
        return torch.flip(x, [1])


class StochasticDurationPredictor(nn.Module):
    def __init__(self, in_channels, kernel_size, n_flows=4, gin_channels=0):
        super().__init__()
        filter_channels = in_channels  # as in VITS: the filter width follows the input
        self.flows = nn.ModuleList([ElementwiseAffine(2)])
        for _ in range(n_flows):
            self.flows.append(ConvFlow(2, filter_channels, kernel_size, n_layers=3))
            self.flows.append(Flip())
        self.pre = nn.Conv1d(in_channels, filter_channels, 1)
        self.proj = nn.Conv1d(filter_channels, filter_channels, 1)
        self.convs = DDSConv(filter_channels, kernel_size, n_layers=3)
        if gin_channels:
            self.cond = nn.Conv1d(gin_channels, filter_channels, 1)

    def forward(self, x, x_mask, g=None, noise_scale=1.0):
        x = self.pre(torch.detach(x))
        if g is not None:
            x = x + self.cond(torch.detach(g))
        x = self.proj(self.convs(x, x_mask)) * x_mask
        flows = list(reversed(self.flows))
        flows = flows[:-2] + [flows[-1]]  # VITS drops a useless flow in reverse
        z = torch.randn(x.size(0), 2, x.size(2)).type_as(x) * noise_scale
        for flow in flows:
            z = flow(z, x_mask, g=x, reverse=True)
        z0, _ = torch.split(z, [1, 1], 1)
        return z0


# --- flows and decoder -----------------------------------------------------------


class WN(nn.Module):
    def __init__(self, hidden, kernel_size, dilation_rate, n_layers, gin_channels=0):
        super().__init__()
        self.hidden, self.n_layers = hidden, n_layers
        self.in_layers = nn.ModuleList()
        self.res_skip_layers = nn.ModuleList()
        self.cond_layer = nn.Conv1d(gin_channels, 2 * hidden * n_layers, 1) if gin_channels else None
        for i in range(n_layers):
            dilation = dilation_rate**i
            padding = (kernel_size * dilation - dilation) // 2
            self.in_layers.append(nn.Conv1d(hidden, 2 * hidden, kernel_size, dilation=dilation,
                                            padding=padding))
            out = 2 * hidden if i < n_layers - 1 else hidden
            self.res_skip_layers.append(nn.Conv1d(hidden, out, 1))

    def forward(self, x, x_mask, g=None):
        output = torch.zeros_like(x)
        if g is not None:
            g = self.cond_layer(g)
        for i in range(self.n_layers):
            x_in = self.in_layers[i](x)
            if g is not None:
                off = i * 2 * self.hidden
                g_l = g[:, off:off + 2 * self.hidden, :]
            else:
                g_l = torch.zeros_like(x_in)
            in_act = x_in + g_l
            acts = torch.tanh(in_act[:, :self.hidden, :]) * torch.sigmoid(in_act[:, self.hidden:, :])
            res_skip = self.res_skip_layers[i](acts)
            if i < self.n_layers - 1:
                x = (x + res_skip[:, :self.hidden, :]) * x_mask
                output = output + res_skip[:, self.hidden:, :]
            else:
                output = output + res_skip
        return output * x_mask


class ResidualCouplingLayer(nn.Module):
    def __init__(self, channels, hidden, kernel_size, dilation_rate, n_layers, gin_channels):
        super().__init__()
        self.half = channels // 2
        self.pre = nn.Conv1d(self.half, hidden, 1)
        self.enc = WN(hidden, kernel_size, dilation_rate, n_layers, gin_channels)
        self.post = nn.Conv1d(hidden, self.half, 1)  # mean_only=True

    def forward(self, x, x_mask, g=None):
        x0, x1 = torch.split(x, [self.half] * 2, 1)
        h = self.enc(self.pre(x0) * x_mask, x_mask, g=g)
        m = self.post(h) * x_mask
        logs = torch.zeros_like(m)
        x1 = (x1 - m) * torch.exp(-logs) * x_mask
        return torch.cat([x0, x1], 1)


class ResidualCouplingBlock(nn.Module):
    def __init__(self, channels, hidden, kernel_size, dilation_rate, n_layers, n_flows=4,
                 gin_channels=0):
        super().__init__()
        self.flows = nn.ModuleList()
        for _ in range(n_flows):
            self.flows.append(ResidualCouplingLayer(channels, hidden, kernel_size, dilation_rate,
                                                    n_layers, gin_channels))
            self.flows.append(Flip())

    def forward(self, x, x_mask, g=None):
        for flow in reversed(self.flows):
            x = flow(x, x_mask, g=g)
        return x


def _padding(kernel_size, dilation=1):
    return (kernel_size * dilation - dilation) // 2


class ResBlock1(nn.Module):
    def __init__(self, ch, k, dilations):
        super().__init__()
        self.convs1 = nn.ModuleList(
            [nn.Conv1d(ch, ch, k, 1, dilation=d, padding=_padding(k, d)) for d in dilations])
        self.convs2 = nn.ModuleList(
            [nn.Conv1d(ch, ch, k, 1, dilation=1, padding=_padding(k)) for _ in dilations])

    def forward(self, x):
        for c1, c2 in zip(self.convs1, self.convs2):
            xt = c2(F.leaky_relu(c1(F.leaky_relu(x, LRELU_SLOPE)), LRELU_SLOPE))
            x = xt + x
        return x


class ResBlock2(nn.Module):
    def __init__(self, ch, k, dilations):
        super().__init__()
        self.convs = nn.ModuleList(
            [nn.Conv1d(ch, ch, k, 1, dilation=d, padding=_padding(k, d)) for d in dilations])

    def forward(self, x):
        for c in self.convs:
            x = c(F.leaky_relu(x, LRELU_SLOPE)) + x
        return x


class Generator(nn.Module):
    """HiFi-GAN decoder (weight norm already removed, as Piper's export does)."""

    def __init__(self, initial_channel, resblock, rb_kernels, rb_dilations, up_rates,
                 up_initial, up_kernels, gin_channels=0):
        super().__init__()
        self.num_kernels = len(rb_kernels)
        self.conv_pre = nn.Conv1d(initial_channel, up_initial, 7, 1, padding=3)
        block = ResBlock1 if resblock == "1" else ResBlock2
        self.ups = nn.ModuleList()
        self.resblocks = nn.ModuleList()
        for i, (u, k) in enumerate(zip(up_rates, up_kernels)):
            self.ups.append(nn.ConvTranspose1d(up_initial // 2**i, up_initial // 2**(i + 1), k, u,
                                               padding=(k - u) // 2))
            ch = up_initial // 2**(i + 1)
            for rk, rd in zip(rb_kernels, rb_dilations):
                self.resblocks.append(block(ch, rk, rd))
        self.conv_post = nn.Conv1d(ch, 1, 7, 1, padding=3, bias=False)
        if gin_channels:
            self.cond = nn.Conv1d(gin_channels, up_initial, 1)

    def forward(self, x, g=None):
        x = self.conv_pre(x)
        if g is not None:
            x = x + self.cond(g)
        for i, up in enumerate(self.ups):
            x = up(F.leaky_relu(x, LRELU_SLOPE))
            xs = None
            for j in range(self.num_kernels):
                y = self.resblocks[i * self.num_kernels + j](x)
                xs = y if xs is None else xs + y
            x = xs / self.num_kernels
        return torch.tanh(self.conv_post(F.leaky_relu(x)))


class SynthesizerTrn(nn.Module):
    def __init__(self, n_vocab, inter_channels, hidden_channels, filter_channels, n_heads,
                 n_layers, kernel_size, resblock, resblock_kernel_sizes, resblock_dilation_sizes,
                 upsample_rates, upsample_initial_channel, upsample_kernel_sizes, n_speakers=1,
                 gin_channels=0):
        super().__init__()
        self.n_speakers = n_speakers
        self.enc_p = TextEncoder(n_vocab, inter_channels, hidden_channels, filter_channels,
                                 n_heads, n_layers, kernel_size)
        self.dec = Generator(inter_channels, resblock, resblock_kernel_sizes,
                             resblock_dilation_sizes, upsample_rates, upsample_initial_channel,
                             upsample_kernel_sizes, gin_channels)
        self.flow = ResidualCouplingBlock(inter_channels, hidden_channels, 5, 1, 4,
                                          gin_channels=gin_channels)
        self.dp = StochasticDurationPredictor(hidden_channels, 3, 4, gin_channels=gin_channels)
        if n_speakers > 1:
            self.emb_g = nn.Embedding(n_speakers, gin_channels)

    def durations(self, x, x_lengths, sid=None, length_scale=1.0, noise_scale_w=0.8):
        """Un-rounded frame durations per phoneme: what the ceil in infer() rounds."""
        x, _, _, x_mask = self.enc_p(x, x_lengths)
        g = self.emb_g(sid).unsqueeze(-1) if self.n_speakers > 1 else None
        logw = self.dp(x, x_mask, g=g, noise_scale=noise_scale_w)
        return torch.exp(logw) * x_mask * length_scale, x_mask

    def infer(self, x, x_lengths, sid=None, noise_scale=0.667, length_scale=1.0,
              noise_scale_w=0.8):
        x, m_p, logs_p, x_mask = self.enc_p(x, x_lengths)
        g = self.emb_g(sid).unsqueeze(-1) if self.n_speakers > 1 else None
        logw = self.dp(x, x_mask, g=g, noise_scale=noise_scale_w)
        w = torch.exp(logw) * x_mask * length_scale
        w_ceil = torch.ceil(w)
        y_lengths = torch.clamp_min(torch.sum(w_ceil, [1, 2]), 1).long()
        y_mask = torch.unsqueeze(sequence_mask(y_lengths, y_lengths.max()), 1).type_as(x_mask)
        attn_mask = torch.unsqueeze(x_mask, 2) * torch.unsqueeze(y_mask, -1)
        attn = generate_path(w_ceil, attn_mask)
        m_p = torch.matmul(attn.squeeze(1), m_p.transpose(1, 2)).transpose(1, 2)
        logs_p = torch.matmul(attn.squeeze(1), logs_p.transpose(1, 2)).transpose(1, 2)
        z_p = m_p + torch.randn_like(m_p) * torch.exp(logs_p) * noise_scale
        z = self.flow(z_p, y_mask, g=g)
        return self.dec((z * y_mask)[:, :, :None], g=g)
