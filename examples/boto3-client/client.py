#!/usr/bin/python3
"""boto3 calling AssumeRoleWithCustomToken, as a Python service would.

boto3 has no such operation, so this adds it to botocore's STS service model (a service-model extension, the way
botocore's own data path is meant to be extended) and calls it like any STS operation: botocore sends the parameters
as an application/x-www-form-urlencoded body and parses the XML answer.

    client.py <sts-endpoint> <token> <role-arn> [--duration S] [--signed]
    client.py --write-model DIR

Prints the credentials as JSON, or the STS error Code and Message on stderr and exits 1. --signed signs the call
with placeholder keys, as some clients do; the server must not care. --write-model writes the extended model into
DIR and exits: with DIR ~/.aws/models (read by default) or AWS_DATA_PATH=DIR, the AWS CLI gains
`aws sts assume-role-with-custom-token --token T --role-arn ARN --endpoint-url URL --no-sign-request`.
"""
import argparse
import json
import os
import sys
import tempfile

import boto3
import botocore
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

OPERATION = {
    'name': 'AssumeRoleWithCustomToken',
    'http': {'method': 'POST', 'requestUri': '/'},
    'input': {'shape': 'AssumeRoleWithCustomTokenRequest'},
    'output': {'shape': 'AssumeRoleWithCustomTokenResponse', 'resultWrapper': 'AssumeRoleWithCustomTokenResult'},
}
SHAPES = {
    'AssumeRoleWithCustomTokenRequest': {
        'type': 'structure',
        'required': ['Token', 'RoleArn'],
        'members': {
            'Token': {'shape': 'customTokenType'},
            'RoleArn': {'shape': 'arnType'},
            'DurationSeconds': {'shape': 'customTokenDurationType'},
        },
    },
    'AssumeRoleWithCustomTokenResponse': {
        'type': 'structure',
        'members': {'Credentials': {'shape': 'Credentials'}, 'AssumedUser': {'shape': 'assumedUserType'}},
    },
    'customTokenType': {'type': 'string', 'min': 1},
    'customTokenDurationType': {'type': 'integer'},
    'assumedUserType': {'type': 'string'},
}


def write_model(data_path):
    """Writes botocore's STS model plus the operation into data_path, where botocore looks for models."""
    model = botocore.loaders.Loader().load_service_model('sts', 'service-2')
    model['operations']['AssumeRoleWithCustomToken'] = OPERATION
    model['shapes'].update(SHAPES)
    folder = os.path.join(data_path, 'sts', model['metadata']['apiVersion'])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'service-2.json'), 'w') as out:
        json.dump(model, out)


def sts_with_custom_token(data_path):
    """A boto3 session whose STS client has the operation."""
    write_model(data_path)
    session = botocore.session.get_session()
    session.get_component('data_loader').search_paths.insert(0, data_path)
    return boto3.session.Session(botocore_session=session)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('endpoint', nargs='?')
    parser.add_argument('token', nargs='?')
    parser.add_argument('role_arn', nargs='?')
    parser.add_argument('--duration', type=int)
    parser.add_argument('--signed', action='store_true')
    parser.add_argument('--write-model', metavar='DIR')
    args = parser.parse_args()
    if args.write_model:
        write_model(os.path.expanduser(args.write_model))
        return
    if not (args.endpoint and args.token and args.role_arn):
        parser.error('endpoint, token and role_arn are required')

    with tempfile.TemporaryDirectory() as data_path:
        session = sts_with_custom_token(data_path)
        if args.signed:
            client = session.client('sts', endpoint_url=args.endpoint, region_name='us-east-1',
                                    aws_access_key_id='PLACEHOLDER', aws_secret_access_key='PLACEHOLDER')
        else:
            client = session.client('sts', endpoint_url=args.endpoint, region_name='us-east-1',
                                    config=Config(signature_version=botocore.UNSIGNED))
        params = {'Token': args.token, 'RoleArn': args.role_arn}
        if args.duration is not None:
            params['DurationSeconds'] = args.duration
        try:
            answer = client.assume_role_with_custom_token(**params)
        except ClientError as error:
            err = error.response['Error']
            print(f"{err.get('Code')}: {err.get('Message')} (HTTP {error.response['ResponseMetadata']['HTTPStatusCode']})",
                  file=sys.stderr)
            sys.exit(1)
    creds = answer['Credentials']
    print(json.dumps({
        'accessKeyId': creds['AccessKeyId'],
        'secretAccessKey': creds['SecretAccessKey'],
        'sessionToken': creds['SessionToken'],
        'expiration': creds['Expiration'].isoformat(),
        'assumedUser': answer.get('AssumedUser'),
        'requestId': answer['ResponseMetadata']['RequestId'],
    }))


if __name__ == '__main__':
    main()
