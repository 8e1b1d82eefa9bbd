import { resize } from './dist/src/image/resample.js';
const mk=(W,H,ch)=>{const d=new Uint8Array(W*H*ch); let s=1; for(let i=0;i<d.length;i++){s=(s*1103515245+12345)>>>0; d[i]=s>>>24;} return {data:d,width:W,height:H,channels:ch};};
const a=mk(600,450,3);
const out=[];
for (const s of [28, 64, 128, 224]) { for(let i=0;i<200;i++) resize(a,s,s,'bicubic'); let best={tot:1e9};
for (let r=0;r<6;r++){ globalThis.TH=globalThis.TV=globalThis.TI=0;
const N=100; const t=performance.now(); for(let i=0;i<N;i++) resize(a,s,s,'bicubic'); const tot=(performance.now()-t)/N*1000;
if (tot<best.tot) best={tot, h:TH/N*1000, v:TV/N*1000}; }
out.push(`${s}: total ${best.tot.toFixed(0)} h ${best.h.toFixed(0)} v ${best.v.toFixed(0)}`); }
console.log(out.join(' | '));
