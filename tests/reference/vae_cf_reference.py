#!/usr/bin/python3
"""The Mult-VAE strong-generalization preprocessing (Liang et al., WWW 2018, notebook
"preprocess_ML-20M" of github.com/dawenl/vae_cf, reused by the EDLAE/EASE notebooks), transcribed
as a script so that aelab's `split` can be checked against it byte for byte.

The tests do NOT run this script (they must not need Python). It documents how the sha256 sums pinned
in tests/test_split_reference.cpp were produced:

    /usr/bin/python3 tests/reference/vae_cf_reference.py --format movielens-csv \
        --input ../shared/data/ml-latest-small/ratings.csv --threshold 3.5 --min-uc 5 --heldout 50 --out OUT
    /usr/bin/python3 tests/reference/vae_cf_reference.py --format citeulike \
        --input ../shared/data/citeulike-a/users.dat --min-uc 5 --heldout 500 --out OUT
    /usr/bin/python3 tests/reference/vae_cf_reference.py --format msd-triplets \
        --input msd_like.tsv --min-sc 3 --min-uc 5 --heldout 20 --out OUT
    sha256sum OUT/*

(Debian 12: python3-numpy 1.24.2, python3-pandas 1.5.3; the default `python3` of these machines may be
another interpreter without them, hence /usr/bin/python3.)

Only two things differ from the notebook's text, neither changing the result:
  * get_count: the notebook's `tp[[id]].groupby(id, as_index=False).size()` returned a Series indexed
    by id in the pandas of 2017; pandas >= 1.1 returns a DataFrame for as_index=False, so this script
    uses `tp.groupby(id).size()`, the same Series (index = sorted ids, values = row counts).
  * the raw file is read per format (the notebook reads ML-20M's ratings.csv); string ids (MSD) are
    read with dtype=str, which is what pandas infers for MSD's hex ids anyway.
"""
import argparse
import os

import numpy as np
import pandas as pd


def read_raw(fmt, path):
    if fmt == 'movielens-csv':
        return pd.read_csv(path, header=0)
    if fmt == 'citeulike':
        users, items = [], []
        with open(path) as f:
            for user, line in enumerate(f):
                fields = line.split()
                assert int(fields[0]) == len(fields) - 1
                users += [user] * (len(fields) - 1)
                items += [int(x) for x in fields[1:]]
        return pd.DataFrame({'userId': users, 'movieId': items, 'rating': np.ones(len(users))})
    if fmt == 'msd-triplets':
        return pd.read_csv(path, sep='\t', header=None, names=['userId', 'movieId', 'rating'],
                           dtype={'userId': str, 'movieId': str, 'rating': np.int64})
    raise ValueError(fmt)


def get_count(tp, id):
    playcount_groupbyid = tp.groupby(id).size()
    return playcount_groupbyid


def filter_triplets(tp, min_uc=5, min_sc=0):
    # Only keep the triplets for items which were clicked on by at least min_sc users.
    if min_sc > 0:
        itemcount = get_count(tp, 'movieId')
        tp = tp[tp['movieId'].isin(itemcount.index[itemcount >= min_sc])]
    # Only keep the triplets for users who clicked on at least min_uc items
    # After doing this, some of the items will have less than min_uc users, but should only be a small proportion
    if min_uc > 0:
        usercount = get_count(tp, 'userId')
        tp = tp[tp['userId'].isin(usercount.index[usercount >= min_uc])]
    # Update both usercount and itemcount after filtering
    usercount, itemcount = get_count(tp, 'userId'), get_count(tp, 'movieId')
    return tp, usercount, itemcount


def split_train_test_proportion(data, test_prop=0.2):
    data_grouped_by_user = data.groupby('userId')
    tr_list, te_list = list(), list()
    np.random.seed(98765)
    for i, (_, group) in enumerate(data_grouped_by_user):
        n_items_u = len(group)
        if n_items_u >= 5:
            idx = np.zeros(n_items_u, dtype='bool')
            idx[np.random.choice(n_items_u, size=int(test_prop * n_items_u), replace=False).astype('int64')] = True
            tr_list.append(group[np.logical_not(idx)])
            te_list.append(group[idx])
        else:
            tr_list.append(group)
    data_tr = pd.concat(tr_list)
    data_te = pd.concat(te_list)
    return data_tr, data_te


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--format', required=True)
    parser.add_argument('--input', required=True)
    parser.add_argument('--threshold', type=float, default=None)
    parser.add_argument('--min-uc', type=int, default=5)
    parser.add_argument('--min-sc', type=int, default=0)
    parser.add_argument('--heldout', type=int, required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()

    raw_data = read_raw(args.format, args.input)
    if args.threshold is not None:
        raw_data = raw_data[raw_data['rating'] > args.threshold]
    raw_data, user_activity, item_popularity = filter_triplets(raw_data, min_uc=args.min_uc, min_sc=args.min_sc)
    sparsity = 1. * raw_data.shape[0] / (user_activity.shape[0] * item_popularity.shape[0])
    print("After filtering, there are %d watching events from %d users and %d movies (sparsity: %.3f%%)" %
          (raw_data.shape[0], user_activity.shape[0], item_popularity.shape[0], sparsity * 100))

    unique_uid = user_activity.index
    np.random.seed(98765)
    idx_perm = np.random.permutation(unique_uid.size)
    unique_uid = unique_uid[idx_perm]
    print("first permuted users:", list(unique_uid[:5]))

    n_users = unique_uid.size
    n_heldout_users = args.heldout
    tr_users = unique_uid[:(n_users - n_heldout_users * 2)]
    vd_users = unique_uid[(n_users - n_heldout_users * 2): (n_users - n_heldout_users)]
    te_users = unique_uid[(n_users - n_heldout_users):]

    train_plays = raw_data.loc[raw_data['userId'].isin(tr_users)]
    unique_sid = pd.unique(train_plays['movieId'])
    show2id = dict((sid, i) for (i, sid) in enumerate(unique_sid))
    profile2id = dict((pid, i) for (i, pid) in enumerate(unique_uid))

    pro_dir = args.out
    os.makedirs(pro_dir, exist_ok=True)
    with open(os.path.join(pro_dir, 'unique_sid.txt'), 'w') as f:
        for sid in unique_sid:
            f.write('%s\n' % sid)

    vad_plays = raw_data.loc[raw_data['userId'].isin(vd_users)]
    vad_plays = vad_plays.loc[vad_plays['movieId'].isin(unique_sid)]
    vad_plays_tr, vad_plays_te = split_train_test_proportion(vad_plays)

    test_plays = raw_data.loc[raw_data['userId'].isin(te_users)]
    test_plays = test_plays.loc[test_plays['movieId'].isin(unique_sid)]
    test_plays_tr, test_plays_te = split_train_test_proportion(test_plays)

    def numerize(tp):
        uid = list(map(lambda x: profile2id[x], tp['userId']))
        sid = list(map(lambda x: show2id[x], tp['movieId']))
        return pd.DataFrame(data={'uid': uid, 'sid': sid}, columns=['uid', 'sid'])

    numerize(train_plays).to_csv(os.path.join(pro_dir, 'train.csv'), index=False)
    numerize(vad_plays_tr).to_csv(os.path.join(pro_dir, 'validation_tr.csv'), index=False)
    numerize(vad_plays_te).to_csv(os.path.join(pro_dir, 'validation_te.csv'), index=False)
    numerize(test_plays_tr).to_csv(os.path.join(pro_dir, 'test_tr.csv'), index=False)
    numerize(test_plays_te).to_csv(os.path.join(pro_dir, 'test_te.csv'), index=False)
    print("users: %d train, %d validation, %d test; items: %d" %
          (len(tr_users), len(vd_users), len(te_users), len(unique_sid)))
    for name in ['train', 'validation_tr', 'validation_te', 'test_tr', 'test_te']:
        print("%s.csv: %d rows" % (name, pd.read_csv(os.path.join(pro_dir, name + '.csv')).shape[0]))


if __name__ == '__main__':
    main()
