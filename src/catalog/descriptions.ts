// One short factual paragraph per MedMNIST flag, written for this project (MedMNIST's own descriptions
// are not copied). Facts: ../shared/reference/sources.md and the MedMNIST papers it cites. Counts are
// not repeated here; they are catalog fields.
export const DESCRIPTIONS: Readonly<Record<string, string>> = {
  pathmnist:
    'Colorectal cancer histology: 224x224 H&E tiles of NCT-CRC-HE-100K (Kather et al.) split 9:1 into train and val, and CRC-VAL-HE-7K (50 other patients) as test. Nine tissue classes, from adipose to colorectal adenocarcinoma epithelium; RGB images resized with bicubic interpolation.',
  chestmnist:
    'Frontal chest X-rays of the NIH ChestX-ray14 dataset (1024x1024 grey PNGs of 30,805 patients) with 14 binary disease labels per image, mined from radiology reports. The split does not match the source\'s train_val_list/test_list files, so it can only be reproduced from MedMNIST\'s mapping CSV.',
  dermamnist:
    'Dermatoscopic images of pigmented skin lesions from HAM10000 (600x450 RGB JPEGs), seven diagnostic classes in the alphabetical order of the dx codes (akiec ... vasc). Split at random 7:1:2 per image, so several images of one lesion can fall in different splits. Non-commercial licence (CC BY-NC 4.0).',
  octmnist:
    'Retinal optical coherence tomography B-scans from Kermany et al. (OCT2017): choroidal neovascularisation, diabetic macular edema, drusen and normal. Grey images centre-cropped to a square on the short edge, then resized; the source training set is split 9:1 into train and val, and its test set (250 per class) is the test split.',
  pneumoniamnist:
    'Paediatric chest X-rays from Kermany et al. (ChestXRay2017), labelled normal or pneumonia. Grey images centre-cropped to a square on the short edge, then resized; the source training set is split 9:1 into train and val and its test folder is the test split.',
  retinamnist:
    'Colour fundus photographs of the DeepDRiD challenge (regular fundus part, 1736x1824 RGB), graded for diabetic retinopathy on a 5-level ordinal scale (0 none to 4 proliferative). Centre-cropped to a square and resized; the challenge training set is split 9:1 into train and val and its validation set is the test split.',
  breastmnist:
    'Breast ultrasound images of the BUSI dataset (Al-Dhabyani et al., Baheya Hospital, Cairo), about 500x500 px, resized to grey. The three source classes become two labels: malignant = 0, normal or benign = 1. Split at random 7:1:2; segmentation masks in the source are not used.',
  bloodmnist:
    'Microscope images of individual normal peripheral blood cells (PBC dataset, Acevedo et al., Hospital Clinic of Barcelona, CellaVision DM96), eight cell types in alphabetical folder order. The 360x363 RGB JPEGs are centre-cropped to 200x200 and resized; split at random 7:1:2.',
  tissuemnist:
    'Human kidney cortex cells from BBBC051 (Woloshuk et al.): each sample is a 32x32x7 grey stack of a segmented nucleus, maximum-projected along z to one 2D image and resized. Eight cell types of the nephron and its vasculature; split at random 7:1:2.',
  organamnist:
    'Axial 2D slices of abdominal CT from the LiTS challenge volumes, cut from the 11 organ bounding boxes of Xu et al. (2019); Hounsfield units are mapped to grey with an abdominal window. Labels are the organs in alphabetical order; train/val come from the source training CTs and test from the source test CTs.',
  organcmnist:
    'Coronal 2D slices of abdominal CT from the LiTS challenge volumes, cut from the 11 organ bounding boxes of Xu et al. (2019) and windowed from Hounsfield units to grey. Labels are the organs in alphabetical order; train/val come from the source training CTs and test from the source test CTs.',
  organsmnist:
    'Sagittal 2D slices of abdominal CT from the LiTS challenge volumes, cut from the 11 organ bounding boxes of Xu et al. (2019) and windowed from Hounsfield units to grey. Labels are the organs in alphabetical order; train/val come from the source training CTs and test from the source test CTs.',
  organmnist3d:
    'The 3D content of the 11 organ bounding boxes of Xu et al. (2019) in the LiTS abdominal CT volumes, resampled to a cube (28 or 64 voxels a side). Labels follow Xu et al.\'s organ ids minus one (liver = 0 ... pancreas = 10), unlike the alphabetical order of the 2D Organ sets.',
  nodulemnist3d:
    'Lung nodules from the LIDC-IDRI thoracic CT collection: volumes resampled to 1 mm isotropic and centre-cropped around each nodule. Radiologists\' malignancy ratings 1-2 become benign and 4-5 malignant; nodules rated 3 are left out. Split at random 7:1:2.',
  adrenalmnist3d:
    '3D shape masks of adrenal glands segmented in abdominal CT (a MedMNIST v2 contribution, Zhongshan Hospital, Fudan University), labelled normal or hyperplasia. Binary volumes rather than CT intensities.',
  fracturemnist3d:
    'Rib fractures from the RibFrac challenge CT scans: a cube around each annotated fracture, classified as buckle, nondisplaced or displaced rib fracture.',
  vesselmnist3d:
    'Brain vessel segments from the IntrA dataset of 3D models reconstructed from magnetic resonance angiography, voxelised and labelled healthy vessel or aneurysm.',
  synapsemnist3d:
    'Synapses in a 3D electron-microscopy volume of adult rat brain tissue, each sample a cube around one synapse, labelled inhibitory or excitatory.',
};
